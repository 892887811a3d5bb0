/// A partner source as the registry (OPML) describes it.
public struct SourceDescription: Codable, Hashable, Sendable {
  /// Stable identity: the feed address as the registry gives it, made absolute.
  public var key: String
  public var title: String
  public var feedURL: String
  public var htmlURL: String?
  public var language: LanguageTag?
  public var city: String?
  /// ISO 3166-1 alpha-2.
  public var country: String?
  public var nuts: String?
  public var lau: String?
  public var lauYear: Int?
  public var organisation: String?
  /// Whether the fetcher may connect to a loopback or private address for this source.
  public var allowPrivateAddress: Bool

  public init(
    key: String, title: String, feedURL: String, htmlURL: String? = nil,
    language: LanguageTag? = nil, city: String? = nil, country: String? = nil,
    nuts: String? = nil, lau: String? = nil, lauYear: Int? = nil, organisation: String? = nil,
    allowPrivateAddress: Bool = false
  ) {
    self.key = key
    self.title = title
    self.feedURL = feedURL
    self.htmlURL = htmlURL
    self.language = language
    self.city = city
    self.country = country
    self.nuts = nuts
    self.lau = lau
    self.lauYear = lauYear
    self.organisation = organisation
    self.allowPrivateAddress = allowPrivateAddress
  }
}

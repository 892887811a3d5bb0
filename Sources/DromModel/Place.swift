/// A place an entry is about, as the partner gave it (`dcterms:spatial`).
///
/// `country` is ISO 3166-1 alpha-2. `nuts` and `lau` are Eurostat codes, the LAU code only
/// meaningful with its year. Partners outside the EU LAU tables (e.g. Serbia) give a national
/// municipality code in `localCode` instead; see docs/feed-profile.md.
public struct Place: Codable, Hashable, Sendable {
  public var name: String?
  public var country: String?
  public var nuts: String?
  public var lau: String?
  public var lauYear: Int?
  public var localCode: String?

  public init(
    name: String? = nil, country: String? = nil, nuts: String? = nil, lau: String? = nil,
    lauYear: Int? = nil, localCode: String? = nil
  ) {
    self.name = name
    self.country = country
    self.nuts = nuts
    self.lau = lau
    self.lauYear = lauYear
    self.localCode = localCode
  }
}

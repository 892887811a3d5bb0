import Foundation

/// How to read one feed document.
public struct FeedReadOptions: Sendable {
  public var limits: ParserLimits
  /// Where the document came from; relative links resolve against it.
  public var documentURL: String?
  /// A charset from the transport (HTTP `Content-Type`); it overrides the XML declaration.
  public var charset: String?
  /// The moment consent is checked against: a person's card is kept only while valid then.
  public var now: Date
  /// Past this many entries, entries are adapted on a second thread while the parser reads on
  /// (see `EntryPipeline`). Feeds of a few hundred entries are read faster on one.
  public var parallelAdaptationAfter = 500

  public init(
    limits: ParserLimits = ParserLimits(), documentURL: String? = nil, charset: String? = nil,
    now: Date = Date()
  ) {
    self.limits = limits
    self.documentURL = documentURL
    self.charset = charset
    self.now = now
  }
}

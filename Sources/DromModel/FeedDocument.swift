import Foundation

/// The syndication format a document was written in.
public enum FeedFormat: String, Codable, Sendable {
  case atom10 = "atom-1.0"
  case rss20 = "rss-2.0"
  case rss10 = "rss-1.0"
  case rss09x = "rss-0.9x"
}

/// A whole partner feed, normalised: its metadata, entries and tombstones.
public struct FeedDocument: Codable, Hashable, Sendable {
  public var format: FeedFormat
  public var id: String?
  public var title: String?
  public var subtitle: String?
  public var language: LanguageTag?
  public var links: [Link]
  public var updated: Date?
  public var generator: String?
  /// RFC 5005 `fh:complete`: entries missing from this feed were deleted.
  public var isComplete: Bool
  /// RFC 5005 `fh:archive`: this document is an archive page.
  public var isArchive: Bool
  public var entries: [Entry]
  public var deletedEntries: [DeletedEntry]

  public init(format: FeedFormat) {
    self.format = format
    self.id = nil
    self.title = nil
    self.subtitle = nil
    self.language = nil
    self.links = []
    self.updated = nil
    self.generator = nil
    self.isComplete = false
    self.isArchive = false
    self.entries = []
    self.deletedEntries = []
  }

  /// RFC 5005 `prev-archive` link: the next older archive page.
  public var previousArchive: String? {
    links.first { $0.rel == "prev-archive" }?.href
  }
}

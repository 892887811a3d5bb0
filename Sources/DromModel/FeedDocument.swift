import Foundation

/// The syndication format a document was written in.
public enum FeedFormat: String, Codable, Sendable {
  case atom10 = "atom-1.0"
  /// The Atom 0.3 draft (2003), which some old CMSs still publish.
  case atom03 = "atom-0.3"
  case rss20 = "rss-2.0"
  case rss10 = "rss-1.0"
  case rss09x = "rss-0.9x"
  /// JSON Feed 1.0 and 1.1 (jsonfeed.org).
  case jsonFeed10 = "json-feed-1.0"
  case jsonFeed11 = "json-feed-1.1"
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
  /// The people or bodies credited with the feed (`atom:author`, `managingEditor`, …).
  public var authors: [Author]
  public var contributors: [Author]
  /// `atom:rights`, `copyright`, `dc:rights`.
  public var rights: String?
  /// A small square image (`atom:icon`, JSON Feed `favicon`).
  public var icon: String?
  /// A larger image for the feed (`atom:logo`, RSS `image`, `itunes:image`, JSON Feed `icon`).
  public var logo: String?
  public var categories: [Category]
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
    self.authors = []
    self.contributors = []
    self.rights = nil
    self.icon = nil
    self.logo = nil
    self.categories = []
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

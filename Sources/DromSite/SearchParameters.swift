import DromStore
import Foundation

/// A search as a page or API address carries it: `q`, one parameter per facet (repeatable),
/// `sort`, `page`, and `raw` for FTS5 syntax.
public struct SearchParameters: Sendable, Equatable {
  public var text = ""
  public var filters: [Facet: [String]] = [:]
  public var sort: SearchSort = .relevance
  public var page = 1
  public var raw = false
  /// `since=YYYY-MM-DD`: only entries updated on or after that day.
  public var since: String?
  /// `visit=<entry address>`, repeated: a study-visit planner's shortlist, carried from page to
  /// page in the address (no account, no cookie).
  public var visit: [String] = []
  public static let maxVisit = 60
  public static let pageSize = 20
  public static let filterFacets: [Facet] = [
    .kind, .theme, .audience, .country, .city, .language, .jurisdiction, .category,
  ]

  public enum Problem: Error, Equatable, CustomStringConvertible {
    case badValue(parameter: String, value: String, expected: String)

    public var description: String {
      switch self {
      case .badValue(let parameter, let value, let expected):
        "the parameter '\(parameter)' cannot be '\(value)': \(expected)"
      }
    }
  }

  public init() {}

  /// Reads query items; unknown parameters are ignored, bad values are a `Problem`.
  public init(items: [(String, String)]) throws(Problem) {
    for (name, value) in items {
      switch name {
      case "q":
        text = value
      case "sort":
        guard let sort = SearchSort(rawValue: value) else {
          throw .badValue(parameter: name, value: value, expected: "use relevance or newest")
        }
        self.sort = sort
      case "page":
        guard let page = Int(value), (1...Self.maxPage).contains(page) else {
          throw .badValue(
            parameter: name, value: String(value.prefix(40)),
            expected: "use a page number from 1 to \(Self.maxPage); narrow the search to go further"
          )
        }
        self.page = page
      case "since":
        guard value.isEmpty || Self.day(value) != nil else {
          throw .badValue(parameter: name, value: value, expected: "write a date as 2026-03-01")
        }
        since = value.isEmpty ? nil : value
      case "visit":
        guard EntrySlug.isWellFormed(value) else {
          throw .badValue(
            parameter: name, value: String(value.prefix(40)),
            expected: "give an entry's address, as in /en/entry/<address>")
        }
        if !visit.contains(value) && visit.count < Self.maxVisit { visit.append(value) }
      case "raw":
        guard ["true", "false", "1", "0"].contains(value) else {
          throw .badValue(parameter: name, value: value, expected: "use true or false")
        }
        raw = value == "true" || value == "1"
      default:
        guard let facet = Facet(rawValue: name), Self.filterFacets.contains(facet) else { continue }
        guard !value.isEmpty, value.count <= 200 else {
          throw .badValue(
            parameter: name, value: String(value.prefix(40)),
            expected: "give a value of 1 to 200 characters")
        }
        if facet == .country {
          filters[facet, default: []].append(value.uppercased())
        } else {
          filters[facet, default: []].append(value)
        }
      }
    }
    // What one search may cost is bounded here, before the index is asked: a public
    // directory is searched by anyone, and a few crafted addresses must not slow it for all.
    guard text.count <= Self.maxQueryCharacters else {
      throw .badValue(
        parameter: "q", value: String(text.prefix(40)) + "…",
        expected: "keep the search under \(Self.maxQueryCharacters) characters")
    }
    let words = text.split(whereSeparator: { $0.isWhitespace })
    guard words.count <= Self.maxQueryWords else {
      throw .badValue(
        parameter: "q", value: String(text.prefix(40)) + "…",
        expected: "use at most \(Self.maxQueryWords) words")
    }
    if raw, let short = words.first(where: Self.isShortPrefix) {
      throw .badValue(
        parameter: "q", value: String(short.prefix(40)),
        expected: "a prefix search needs at least \(Self.minPrefixLetters) letters before the *")
    }
    let values = filters.values.reduce(0) { $0 + $1.count }
    guard values <= Self.maxFilterValues else {
      throw .badValue(
        parameter: "filters", value: "\(values) values",
        expected: "filter on at most \(Self.maxFilterValues) values at once")
    }
  }

  public static let maxQueryCharacters = 500
  public static let maxQueryWords = 24
  public static let minPrefixLetters = 3
  public static let maxFilterValues = 50
  /// 20 000 results: enough to browse any listing's worth, and beyond it a search is better
  /// narrowed than paged (every page deeper costs more to rank).
  public static let maxPage = 1_000

  /// `a*`, `"ab"*`, `title:x*`: a raw FTS5 prefix with fewer letters than `minPrefixLetters`,
  /// which would read the postings of every word starting so.
  static func isShortPrefix(_ word: Substring) -> Bool {
    var rest = word
    while let star = rest.firstIndex(of: "*") {
      var head = rest[..<star]
      if head.last == "\"" { head = head.dropLast() }  // a quoted phrase's last word: `"abc"*`
      let before = head.reversed().prefix { $0.isLetter || $0.isNumber }
      if before.count < minPrefixLetters { return true }
      rest = rest[rest.index(after: star)...]
    }
    return false
  }

  public func query(readerLanguage: String?) -> SearchQuery {
    var query = SearchQuery(
      text: text, filters: filters, limit: Self.pageSize, offset: (page - 1) * Self.pageSize,
      rawSyntax: raw)
    query.readerLanguage = readerLanguage
    query.sort = sort
    query.updatedSince = since.flatMap(Self.day)
    return query
  }

  static func day(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.date(from: text)
  }

  /// The query string for these parameters, changed by `change`.
  public func queryString(_ change: (inout SearchParameters) -> Void = { _ in }) -> String {
    var copy = self
    change(&copy)
    var items: [(String, String)] = []
    if !copy.text.isEmpty { items.append(("q", copy.text)) }
    for facet in Self.filterFacets {
      for value in copy.filters[facet] ?? [] { items.append((facet.rawValue, value)) }
    }
    if copy.sort != .relevance { items.append(("sort", copy.sort.rawValue)) }
    if let since = copy.since { items.append(("since", since)) }
    if copy.raw { items.append(("raw", "true")) }
    if copy.page > 1 { items.append(("page", String(copy.page))) }
    for slug in copy.visit { items.append(("visit", slug)) }
    return items.map { URLQuery.escape($0.0) + "=" + URLQuery.escape($0.1) }.joined(separator: "&")
  }
}

public enum URLQuery {
  /// Percent-encodes a query component (RFC 3986 unreserved characters stay).
  public static func escape(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return out
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

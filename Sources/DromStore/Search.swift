import DromModel
import Foundation
import GRDB

/// A search of the index: words, filters, paging.
public struct SearchQuery: Sendable, Hashable {
  public var text: String
  /// Facet filters: within a facet any value matches; across facets all must.
  public var filters: [Facet: [String]]
  public var limit: Int
  public var offset: Int
  /// Pass `text` to FTS5 as it is (phrase, NEAR, prefix*, column filters) instead of as words.
  public var rawSyntax: Bool

  public init(
    text: String, filters: [Facet: [String]] = [:], limit: Int = 20, offset: Int = 0,
    rawSyntax: Bool = false
  ) {
    self.text = text
    self.filters = filters
    self.limit = limit
    self.offset = offset
    self.rawSyntax = rawSyntax
  }
}

public struct SearchHit: Codable, Hashable, Sendable {
  public var sourceKey: String
  public var sourceTitle: String
  public var entryID: String
  public var kind: String
  public var language: String?
  public var title: String
  /// A passage around the match, the matched words between the highlight markers.
  public var snippet: String
  public var link: String?
  public var updated: Date?
}

public struct FacetCount: Codable, Hashable, Sendable {
  public var value: String
  public var count: Int
}

public struct SearchResults: Codable, Hashable, Sendable {
  public var total: Int
  public var hits: [SearchHit]
  public var facets: [String: [FacetCount]]
}

public enum SearchError: Error, CustomStringConvertible {
  case badPattern(String)

  public var description: String {
    switch self {
    case .badPattern(let reason): "the search pattern cannot be read: \(reason)"
    }
  }
}

extension DromDatabase {
  /// Ranked results (bm25, title weighted above summary above content) with snippets and the
  /// counts of every facet over all matches.
  public func search(_ query: SearchQuery, highlight: (open: String, close: String) = ("[", "]"))
    throws -> SearchResults
  {
    let match = query.rawSyntax ? query.text : Self.ftsWords(query.text)
    var conditions: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    if let match {
      conditions.append("entry.id IN (SELECT rowid FROM entryText WHERE entryText MATCH ?)")
      arguments.append(match)
    }
    for (facet, values) in query.filters.sorted(by: { $0.key.rawValue < $1.key.rawValue })
    where !values.isEmpty {
      conditions.append(
        "entry.id IN (SELECT entryId FROM entryFacet WHERE facet = ? AND value IN (\(databaseQuestionMarks(count: values.count))))"
      )
      arguments.append(facet.rawValue)
      arguments.append(contentsOf: values)
    }
    let whereClause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
    do {
      return try pool.read { db in
        let total =
          try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM entry WHERE \(whereClause)",
            arguments: StatementArguments(arguments)) ?? 0
        let hits = try self.hits(
          db, match: match, whereClause: whereClause, arguments: arguments, query: query,
          highlight: highlight)
        var facets: [String: [FacetCount]] = [:]
        for row in try Row.fetchAll(
          db,
          sql: """
            SELECT facet, value, COUNT(*) AS count FROM entryFacet
            WHERE entryId IN (SELECT id FROM entry WHERE \(whereClause))
            GROUP BY facet, value ORDER BY facet, count DESC, value
            """, arguments: StatementArguments(arguments))
        {
          facets[row["facet"], default: []].append(
            FacetCount(value: row["value"], count: row["count"]))
        }
        return SearchResults(total: total, hits: hits, facets: facets)
      }
    } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
      throw SearchError.badPattern(error.message ?? "\(error)")
    }
  }

  private func hits(
    _ db: Database, match: String?, whereClause: String, arguments: [any DatabaseValueConvertible],
    query: SearchQuery, highlight: (open: String, close: String)
  ) throws -> [SearchHit] {
    let rows: [Row]
    if let match {
      rows = try Row.fetchAll(
        db,
        sql: """
          SELECT entry.*, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
            snippet(entryText, -1, ?, ?, '…', 16) AS snippet
          FROM entryText JOIN entry ON entry.id = entryText.rowid JOIN source ON source.id = entry.sourceId
          WHERE entryText MATCH ? AND \(whereClause)
          ORDER BY bm25(entryText, 10.0, 4.0, 1.0), entry.updated DESC
          LIMIT ? OFFSET ?
          """,
        arguments: StatementArguments(
          [highlight.open, highlight.close, match] + arguments + [query.limit, query.offset]))
    } else {
      rows = try Row.fetchAll(
        db,
        sql: """
          SELECT entry.*, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
            COALESCE(entry.summary, substr(entry.contentText, 1, 200), '') AS snippet
          FROM entry JOIN source ON source.id = entry.sourceId
          WHERE \(whereClause)
          ORDER BY entry.updated DESC, entry.id
          LIMIT ? OFFSET ?
          """, arguments: StatementArguments(arguments + [query.limit, query.offset]))
    }
    return rows.map { row in
      SearchHit(
        sourceKey: row["sourceKey"], sourceTitle: row["sourceTitle"], entryID: row["entryID"],
        kind: row["kind"], language: row["language"], title: row["title"],
        snippet: row["snippet"] ?? "", link: row["link"], updated: row["updated"])
    }
  }

  /// User text as FTS5 words: each one quoted, so operators and punctuation are plain text.
  static func ftsWords(_ text: String) -> String? {
    let words = text.split(whereSeparator: { $0.isWhitespace }).map {
      "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return words.isEmpty ? nil : words.joined(separator: " ")
  }
}

import DromModel
import DromText
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
  /// The reader's language (BCP 47): query words are stemmed in it first.
  public var readerLanguage: String?

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
  /// Other partners publishing the same practice (same identifier or canonical link): the
  /// directory shows it once, with every provenance.
  public var alsoPublishedBy: [String] = []
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
    let match =
      query.rawSyntax
      ? query.text
      : try pool.read { db in
        Self.ftsTerms(query.text, languages: try searchLanguages(db, reader: query.readerLanguage))
      }
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
            db,
            sql:
              "SELECT COUNT(DISTINCT COALESCE(clusterKey, 'row:' || id)) FROM entry WHERE \(whereClause)",
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
    // One hit per cluster: the best-ranked copy of a practice several partners publish.
    let cluster =
      "ROW_NUMBER() OVER (PARTITION BY COALESCE(entry.clusterKey, 'row:' || entry.id)"
    let rows: [Row]
    var snippets: [Int64: String] = [:]
    if let match {
      // FTS5's snippet() cannot sit beside a window function, so ranks come first and the
      // snippets of the page's hits second.
      let ranked = try Row.fetchAll(
        db,
        sql: """
          WITH matched AS MATERIALIZED (
            SELECT entry.*, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
              bm25(entryText, 10.0, 4.0, 1.0) AS score
            FROM entryText JOIN entry ON entry.id = entryText.rowid JOIN source ON source.id = entry.sourceId
            WHERE entryText MATCH ? AND \(whereClause))
          SELECT * FROM (
            SELECT *, ROW_NUMBER() OVER (
              PARTITION BY COALESCE(clusterKey, 'row:' || id) ORDER BY score, id) AS copy
            FROM matched)
          WHERE copy = 1
          ORDER BY score, updated DESC
          LIMIT ? OFFSET ?
          """,
        arguments: StatementArguments([match] + arguments + [query.limit, query.offset]))
      let ids = ranked.map { $0["id"] as Int64 }
      if !ids.isEmpty {
        for row in try Row.fetchAll(
          db,
          sql: """
            SELECT rowid, snippet(entryText, -1, ?, ?, '…', 16) AS snippet FROM entryText
            WHERE entryText MATCH ? AND rowid IN (\(databaseQuestionMarks(count: ids.count)))
            """,
          arguments: StatementArguments([highlight.open, highlight.close, match] + ids))
        {
          snippets[row["rowid"]] = DromTokenizer.stripMarks(row["snippet"] ?? "")
        }
      }
      rows = ranked
    } else {
      rows = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM (
            SELECT entry.*, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
              COALESCE(entry.summary, substr(entry.contentText, 1, 200), '') AS snippet,
              \(cluster) ORDER BY entry.updated DESC, entry.id) AS copy
            FROM entry JOIN source ON source.id = entry.sourceId
            WHERE \(whereClause))
          WHERE copy = 1
          ORDER BY updated DESC, id
          LIMIT ? OFFSET ?
          """, arguments: StatementArguments(arguments + [query.limit, query.offset]))
    }
    return try rows.map { row in
      var hit = SearchHit(
        sourceKey: row["sourceKey"], sourceTitle: row["sourceTitle"], entryID: row["entryID"],
        kind: row["kind"], language: row["language"], title: row["title"],
        snippet: snippets[row["id"]] ?? row["snippet"] ?? "", link: row["link"],
        updated: row["updated"])
      if let clusterKey: String = row["clusterKey"] {
        hit.alsoPublishedBy = try String.fetchAll(
          db,
          sql: """
            SELECT DISTINCT COALESCE(source.title, source.key) FROM entry
            JOIN source ON source.id = entry.sourceId
            WHERE entry.clusterKey = ? AND entry.sourceId != ? ORDER BY 1
            """, arguments: [clusterKey, row["sourceId"]])
      }
      return hit
    }
  }

  /// The languages a query is stemmed in: the reader's, then every language of the index.
  func searchLanguages(_ db: Database, reader: String?) throws -> [String] {
    let indexed = try String.fetchAll(
      db, sql: "SELECT DISTINCT value FROM entryFacet WHERE facet = 'language' ORDER BY value")
    return ([reader].compactMap { $0 } + indexed).reduce(into: []) { languages, language in
      if !languages.contains(language) { languages.append(language) }
    }
  }

  /// User text as an FTS5 query: every word must match, in any of its forms (folded, or
  /// stemmed in one of the languages); each form is quoted, so operators and punctuation in
  /// user text are plain words.
  static func ftsTerms(_ text: String, languages: [String]) -> String? {
    var groups: [String] = []
    Analyzer.forEachWord(in: text) { word, _, _ in
      // Long forms also match as prefixes: compounds (diskriminerings|grunder) and endings
      // a stemmer leaves on.
      let forms = Analyzer.queryTerms(word, languages: languages).map {
        "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" + ($0.count >= 5 ? "*" : "")
      }
      groups.append(forms.count == 1 ? forms[0] : "(" + forms.joined(separator: " OR ") + ")")
    }
    return groups.isEmpty ? nil : groups.joined(separator: " AND ")
  }
}

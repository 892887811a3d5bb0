import DromModel
import DromText
import DromVocabulary
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
  public var sort: SearchSort = .relevance
  /// Only entries updated on or after this moment.
  public var updatedSince: Date?

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

/// How results are ordered: best match first, or newest first.
public enum SearchSort: String, Codable, Sendable, CaseIterable {
  case relevance
  case newest
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
  /// The address of the entry's page (`/en/entry/<slug>`).
  public var slug: String
  /// Other partners publishing the same practice (same identifier or canonical link): the
  /// directory shows it once, with every provenance.
  public var alsoPublishedBy: [String] = []
}

public struct FacetCount: Codable, Hashable, Sendable {
  public var value: String
  public var count: Int

  public init(value: String, count: Int) {
    self.value = value
    self.count = count
  }
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
  /// Ranked results with snippets and the counts of every facet over all matches.
  ///
  /// Every query word must match the text, in any of its forms (folded, or stemmed in the
  /// reader's language or any language of the index). With a vocabulary, words that name
  /// concepts in any language ("gitanos", "jóvenes gitanos") also find entries tagged with
  /// those concepts, whatever language they are written in; such entries rank below direct
  /// text matches (bm25: title above summary above content).
  public func search(
    _ query: SearchQuery, vocabulary: Vocabulary = .empty,
    highlight: (open: String, close: String) = ("[", "]")
  ) throws -> SearchResults {
    do {
      return try pool.read { db in
        let match = try matchCondition(query, vocabulary: vocabulary, db: db)
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let match {
          conditions.append(match.condition)
          arguments += match.arguments
        }
        for (facet, values) in query.filters.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where !values.isEmpty {
          conditions.append(
            "entry.id IN (SELECT entryId FROM entryFacet WHERE facet = ? AND value IN (\(databaseQuestionMarks(count: values.count))))"
          )
          arguments.append(facet.rawValue)
          arguments.append(contentsOf: values)
        }
        if let since = query.updatedSince {
          conditions.append("entry.updated >= ?")
          arguments.append(since)
        }
        let whereClause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        var total = 0
        let hits = try self.hits(
          db, textMatch: match?.text, whereClause: whereClause, arguments: arguments,
          query: query, highlight: highlight, total: &total)
        if hits.isEmpty, query.offset > 0 {
          // Past the last page the window has no row to count on; count apart.
          total =
            try Int.fetchOne(
              db,
              sql: """
                WITH text AS (SELECT NULL AS id, NULL AS score WHERE 0),
                \(Self.collapsed(whereClause: whereClause))
                SELECT COUNT(*) FROM collapsed
                """,
              arguments: StatementArguments(arguments + Self.readerArguments(query))) ?? 0
        }
        var facets: [String: [FacetCount]] = [:]
        for row in try Row.fetchAll(
          db,
          sql: """
            SELECT facet, value, COUNT(*) AS count FROM entryFacet
            WHERE facet != 'concept' AND entryId IN (SELECT id FROM entry WHERE \(whereClause))
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

  /// The SQL condition an entry must meet to match the query's words, and the FTS5 expression
  /// of its text part (for ranking and snippets); nil when the query has no words.
  private func matchCondition(_ query: SearchQuery, vocabulary: Vocabulary, db: Database) throws
    -> (condition: String, arguments: [any DatabaseValueConvertible], text: String)?
  {
    let textIn = "entry.id IN (SELECT rowid FROM entryText WHERE entryText MATCH ?)"
    if query.rawSyntax {
      let text = query.text.trimmingCharacters(in: .whitespaces)
      return text.isEmpty ? nil : (textIn, [text], text)
    }
    let languages = try searchLanguages(db, reader: query.readerLanguage)
    guard let text = Self.ftsTerms(query.text, languages: languages) else { return nil }
    var words: [String] = []
    Analyzer.forEachWord(in: query.text) { word, _, _ in words.append(word) }
    let (groups, rest) = vocabulary.conceptsInQuery(words, languages: languages)
    guard !groups.isEmpty else { return (textIn, [text], text) }
    var conceptParts: [String] = []
    var arguments: [any DatabaseValueConvertible] = [text]
    for group in groups {
      let uris = group.sorted()
      conceptParts.append(
        "entry.id IN (SELECT entryId FROM entryFacet WHERE facet = 'concept' AND value IN (\(databaseQuestionMarks(count: uris.count))))"
      )
      arguments += uris
    }
    if let restText = Self.ftsTerms(rest.joined(separator: " "), languages: languages) {
      conceptParts.append(textIn)
      arguments.append(restText)
    }
    return ("(\(textIn) OR (\(conceptParts.joined(separator: " AND "))))", arguments, text)
  }

  private func hits(
    _ db: Database, textMatch: String?, whereClause: String,
    arguments: [any DatabaseValueConvertible], query: SearchQuery,
    highlight: (open: String, close: String), total: inout Int
  ) throws -> [SearchHit] {
    // One hit per cluster: the best-ranked copy of a practice several partners publish. FTS5's
    // bm25() and snippet() cannot sit beside a window function, so text scores are computed
    // first (entries found only through concepts rank after them), and snippets last.
    let textScores =
      textMatch.map { _ in
        """
        WITH text AS MATERIALIZED (
          SELECT rowid AS id, bm25(entryText, 10.0, 4.0, 1.0) AS score FROM entryText
          WHERE entryText MATCH ?),
        """
      } ?? "WITH text AS (SELECT NULL AS id, NULL AS score WHERE 0),"
    let page = try Row.fetchAll(
      db,
      sql: """
        \(textScores)
        \(Self.collapsed(whereClause: whereClause))
        SELECT id, score, COUNT(*) OVER () AS total FROM collapsed
        ORDER BY \(query.sort == .newest ? "updated DESC, score, id" : "score, updated DESC, id")
        LIMIT ? OFFSET ?
        """,
      arguments: StatementArguments(
        (textMatch.map { [$0] } ?? []) + arguments + Self.readerArguments(query)
          + [query.limit, query.offset]))
    total = page.first?["total"] ?? 0
    let order = Dictionary(uniqueKeysWithValues: page.enumerated().map { ($1["id"] as Int64, $0) })
    let rows =
      order.isEmpty
      ? []
      : try Row.fetchAll(
        db,
        sql: """
          SELECT entry.*, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
            COALESCE(entry.summary, substr(entry.contentText, 1, 200), '') AS summaryText
          FROM entry JOIN source ON source.id = entry.sourceId
          WHERE entry.id IN (\(databaseQuestionMarks(count: order.count)))
          """, arguments: StatementArguments(Array(order.keys))
      ).sorted { order[$0["id"] as Int64]! < order[$1["id"] as Int64]! }
    var snippets: [Int64: String] = [:]
    let ids = rows.map { $0["id"] as Int64 }
    if let textMatch, !ids.isEmpty {
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT rowid, snippet(entryText, -1, ?, ?, '…', 16) AS snippet FROM entryText
          WHERE entryText MATCH ? AND rowid IN (\(databaseQuestionMarks(count: ids.count)))
          """,
        arguments: StatementArguments([highlight.open, highlight.close, textMatch] + ids))
      {
        snippets[row["rowid"]] = DromTokenizer.stripMarks(row["snippet"] ?? "")
      }
    }
    return try rows.map { row in
      var hit = SearchHit(
        sourceKey: row["sourceKey"], sourceTitle: row["sourceTitle"], entryID: row["entryID"],
        kind: row["kind"], language: row["language"], title: row["title"],
        snippet: snippets[row["id"]] ?? row["summaryText"] ?? "", link: row["link"],
        updated: row["updated"], slug: row["slug"] ?? "")
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

  /// The matches, one per translation group (the version in the reader's language first) and
  /// then one per practice several partners publish (the best-ranked copy). FTS5's bm25() and
  /// snippet() cannot sit beside a window function, so text scores come from the `text` CTE.
  static func collapsed(whereClause: String) -> String {
    // Only the small columns travel through the windows; whole rows are read for the page only.
    """
    matched AS MATERIALIZED (
      SELECT entry.id, entry.clusterKey, entry.translationKey, entry.language, entry.updated,
        COALESCE(text.score, 1e9) AS score
      FROM entry LEFT JOIN text ON text.id = entry.id
      WHERE \(whereClause)),
    versions AS (
      SELECT *, ROW_NUMBER() OVER (
        PARTITION BY COALESCE(translationKey, 'row:' || id)
        ORDER BY CASE WHEN language = ? OR language LIKE ? THEN 0 ELSE 1 END, score, id) AS version
      FROM matched),
    copies AS (
      SELECT *, ROW_NUMBER() OVER (
        PARTITION BY COALESCE(clusterKey, 'row:' || id) ORDER BY score, updated DESC, id) AS copy
      FROM versions WHERE version = 1),
    collapsed AS (SELECT * FROM copies WHERE copy = 1)
    """
  }

  static func readerArguments(_ query: SearchQuery) -> [any DatabaseValueConvertible] {
    let reader = query.readerLanguage ?? ""
    return [reader, reader.isEmpty ? "" : reader + "-%"]
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

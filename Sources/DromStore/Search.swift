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

/// What finds and ranks a search's text matches: the in-memory term index (`TermIndex`), or
/// FTS5's `bm25()`, which gives the same scores and answers what the term index cannot (raw
/// syntax). `DROM_RANKING=fts5` makes FTS5 rank every search (to compare them).
enum RankingEngine: Sendable {
  case memory
  case fts5

  static let configured: RankingEngine =
    ProcessInfo.processInfo.environment["DROM_RANKING"] == "fts5" ? .fts5 : .memory
}

extension DromDatabase {
  /// Ranked results with snippets and the counts of every facet over all matches.
  ///
  /// Every query word must match the text, in any of its forms (folded, or stemmed in the
  /// reader's language or any language of the index). With a vocabulary, words that name
  /// concepts in any language ("gitanos", "jóvenes gitanos") also find entries tagged with
  /// those concepts, whatever language they are written in; such entries rank below direct
  /// text matches (bm25: title above summary above content). Translations show once (the
  /// version in the reader's language first), and so does a practice several partners publish
  /// (its best-ranked copy).
  public func search(
    _ query: SearchQuery, vocabulary: Vocabulary = .empty,
    highlight: (open: String, close: String) = ("[", "]")
  ) throws -> SearchResults {
    do {
      return try pool.read { db in
        try search(query, vocabulary: vocabulary, highlight: highlight, db: db)
      }
    } catch { throw Self.searchError(error) }
  }

  /// The same, suspending the caller instead of holding its thread while SQLite works: a
  /// server's request handlers run on a few shared threads.
  public func search(
    _ query: SearchQuery, vocabulary: Vocabulary = .empty,
    highlight: (open: String, close: String) = ("[", "]")
  ) async throws -> SearchResults {
    do {
      return try await pool.read { db in
        try self.search(query, vocabulary: vocabulary, highlight: highlight, db: db)
      }
    } catch { throw Self.searchError(error) }
  }

  /// SQLite's generic error on a search is FTS5 refusing the pattern (raw syntax).
  static func searchError(_ error: any Error) -> any Error {
    guard let error = error as? DatabaseError, error.resultCode == .SQLITE_ERROR else {
      return error
    }
    return SearchError.badPattern(error.message ?? "\(error)")
  }

  /// The same with the ranking engine chosen, and concept-only matches ranked even when text
  /// matches fill the page (`deferring: false`): the tests compare them.
  func search(
    _ query: SearchQuery, vocabulary: Vocabulary, engine: RankingEngine, deferring: Bool = true
  ) throws -> SearchResults {
    try pool.read { db in
      try search(
        query, vocabulary: vocabulary, highlight: ("[", "]"), db: db, engine: engine,
        deferring: deferring)
    }
  }

  func search(
    _ query: SearchQuery, vocabulary: Vocabulary, highlight: (open: String, close: String),
    db: Database, engine: RankingEngine = .configured, deferring: Bool = true
  ) throws -> SearchResults {
    var profile = SearchProfile(query.text)
    let table = try searchTables.table(for: db)
    profile.lap("table")
    guard var matches = Matches(query, table: table) else {
      return SearchResults(total: 0, hits: [], facets: [:])
    }
    let languages = ([query.readerLanguage].compactMap { $0 } + table.indexedLanguages)
      .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    var textMatch: String?
    var forms: QueryForms?
    if query.rawSyntax {
      let text = query.text.trimmingCharacters(in: .whitespaces)
      textMatch = text.isEmpty ? nil : text
    } else {
      forms = QueryForms(query.text, languages: languages)
      textMatch = forms?.ftsMatch
    }
    if let textMatch {
      if let forms, engine == .memory,
        let scored = table.textMatches(forms, within: matches.allowed)
      {
        profile.lap("rank in memory")
        matches.admit(scored)
      } else {
        profile.note(table.termIndex.unusable.map { "FTS5 ranks: \($0)" } ?? "FTS5 ranks")
        let scored = try Row.fetchCursor(
          db.cachedStatement(
            sql:
              "SELECT rowid, bm25(entryText, 10.0, 4.0, 1.0) FROM entryText WHERE entryText MATCH ?"
          ),
          arguments: [textMatch])
        var found: [(row: Int32, score: Double)] = []
        while let row = try scored.next() {
          if let index = table.row(of: row[0]) { found.append((index, row[1])) }
        }
        matches.admit(found)
      }
      profile.lap("admit \(matches.rows.count)")
      if !query.rawSyntax {
        try admitConcepts(
          query, vocabulary: vocabulary, languages: languages, engine: engine, into: &matches, db)
        profile.lap("concepts, \(matches.count) in all")
      }
    } else {
      matches.admitAll()
    }
    let ranked = matches.collapsed(
      readerLanguage: query.readerLanguage, sort: query.sort, offset: query.offset,
      limit: query.limit, deferring: deferring)
    profile.lap("collapse")
    let hits = try self.hits(
      db, page: ranked.page, textMatch: textMatch, forms: engine == .memory ? forms : nil,
      table: table, highlight: highlight)
    profile.lap("hits")
    let facets = matches.facetCounts()
    profile.lap("facets")
    profile.end()
    return SearchResults(total: ranked.total, hits: hits, facets: facets)
  }

  /// Entries tagged with the concepts the query's words name in any language ("gitanos":
  /// Roma), whatever language they are written in; words that name no concept must still match
  /// their text.
  private func admitConcepts(
    _ query: SearchQuery, vocabulary: Vocabulary, languages: [String], engine: RankingEngine,
    into matches: inout Matches, _ db: Database
  ) throws {
    var words: [String] = []
    Analyzer.forEachWord(in: query.text) { word, _, _ in words.append(word) }
    let (groups, rest) = vocabulary.conceptsInQuery(words, languages: languages)
    guard !groups.isEmpty else { return }
    let concepts = groups.map { $0.compactMap { matches.table.valueID(.concept, $0) } }
    guard concepts.allSatisfy({ !$0.isEmpty }) else { return }
    var restMatches: RowBits?
    let restForms = QueryForms(rest.joined(separator: " "), languages: languages)
    let table = matches.table
    if engine == .memory, !restForms.groups.isEmpty,
      let found = table.textMatches(restForms, within: matches.allowed, scoring: false)
    {
      restMatches = RowBits(rows: table.items.count, holding: found.rows)
    } else if let restText = restForms.ftsMatch {
      let ids = try Int64.fetchAll(
        db, sql: "SELECT rowid FROM entryText WHERE entryText MATCH ?", arguments: [restText])
      restMatches = RowBits(rows: table.items.count, holding: ids.compactMap { table.row(of: $0) })
    }
    matches.admitTagged(with: concepts, alsoMatching: restMatches)
  }

  /// The page's entries with their partner, snippet and the other partners publishing them.
  func hits(
    _ db: Database, page: [(id: Int64, score: Double)], textMatch: String?,
    forms: QueryForms? = nil, table: SearchTable? = nil,
    highlight: (open: String, close: String) = ("[", "]")
  ) throws -> [SearchHit] {
    guard !page.isEmpty else { return [] }
    let order = Dictionary(uniqueKeysWithValues: page.enumerated().map { ($1.id, $0) })
    // Cached: a page has at most 20 hits, so there are 20 shapes of this statement, and the
    // static export asks for tens of thousands of pages (compiling it each time was a quarter
    // of an export's time).
    let rows = try Row.fetchCursor(
      db.cachedStatement(
        sql: """
          SELECT entry.id, entry.entryID, entry.kind, entry.language, entry.title, entry.summary,
            entry.contentText, entry.link, entry.updated, entry.slug, entry.clusterKey,
            entry.sourceId, source.key AS sourceKey, COALESCE(source.title, source.key) AS sourceTitle,
            COALESCE(entry.summary, substr(entry.contentText, 1, 200), '') AS summaryText
          FROM entry JOIN source ON source.id = entry.sourceId
          WHERE entry.id IN (\(databaseQuestionMarks(count: order.count)))
          """), arguments: StatementArguments(Array(order.keys)))
    // Read from the cursor's row as it comes (a fetched row is a copy of every value first).
    var found: [FoundHit] = []
    found.reserveCapacity(page.count)
    while let row = try rows.next() {
      let title: String = row[Column.title]
      let summaryText: String? = row[Column.summaryText]
      found.append(
        FoundHit(
          id: row[Column.id],
          hit: SearchHit(
            sourceKey: row[Column.sourceKey], sourceTitle: row[Column.sourceTitle],
            entryID: row[Column.entryID], kind: row[Column.kind], language: row[Column.language],
            title: title, snippet: summaryText ?? "", link: row[Column.link],
            updated: row[Column.updated], slug: row[Column.slug] ?? ""),
          text: [title, row[Column.summary], row[Column.content]],
          clusterKey: row[Column.clusterKey], sourceID: row[Column.sourceID]))
    }
    found.sort { order[$0.id]! < order[$1.id]! }
    // Without words there is nothing to highlight: the summary, as FTS5's path and the static
    // export show it.
    if let forms, !forms.groups.isEmpty, let phrases = forms.phrases {
      let presence = table.flatMap { SnippetColumns(phrases, groups: forms.groups.count, $0) }
      // Made here from the entries' own text, as FTS5 would make them (`Snippet`).
      ReusePool.snippetTerms.with { caches in
        for index in found.indices {
          var columns = found[index].text
          if let presence {
            // Only the columns holding a query term are read: the others can hold no
            // instance, so FTS5 would not choose them. Without every word, no snippet.
            guard let holding = presence.columns(ofEntry: found[index].id) else { continue }
            for column in columns.indices where holding & (1 << UInt32(column)) == 0 {
              columns[column] = nil
            }
          }
          if let snippet = Snippet.make(
            columns: columns, language: found[index].hit.language ?? "",
            phrases: phrases, groups: forms.groups.count, open: highlight.open,
            close: highlight.close, caches: &caches)
          {
            found[index].hit.snippet = snippet
          }
        }
      }
    } else if let textMatch {
      let ids = found.map(\.id)
      var snippets: [Int64: String] = [:]
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
      for index in found.indices {
        if let snippet = snippets[found[index].id] { found[index].hit.snippet = snippet }
      }
    }
    return try found.map { found in
      var hit = found.hit
      // The table knows when no other entry shares the practice: then there is nothing to ask.
      let shared = table.map { table in
        table.row(of: found.id).map { table.items[Int($0)].cluster >= 0 } ?? true
      }
      if let clusterKey = found.clusterKey, shared ?? true {
        hit.alsoPublishedBy = try String.fetchAll(
          db.cachedStatement(
            sql: """
              SELECT DISTINCT COALESCE(source.title, source.key) FROM entry
              JOIN source ON source.id = entry.sourceId
              WHERE entry.clusterKey = ? AND entry.sourceId != ? ORDER BY 1
              """), arguments: [clusterKey, found.sourceID])
      }
      return hit
    }
  }

  /// A hit as read, with what its snippet and other partners are made from.
  private struct FoundHit {
    var id: Int64
    var hit: SearchHit
    /// Title, summary and content: the columns of the full-text index.
    var text: [String?]
    var clusterKey: String?
    var sourceID: Int64
  }

  /// The hit query's columns, by position: a name is a lookup in every row, 15 times a hit.
  private enum Column {
    static let (id, entryID, kind, language, title, summary, content, link, updated) =
      (0, 1, 2, 3, 4, 5, 6, 7, 8)
    static let (slug, clusterKey, sourceID, sourceKey, sourceTitle, summaryText) =
      (9, 10, 11, 12, 13, 14)
  }

  /// User text as an FTS5 query: every word must match, in any of its forms (`QueryForms`).
  static func ftsTerms(_ text: String, languages: [String]) -> String? {
    QueryForms(text, languages: languages).ftsMatch
  }
}

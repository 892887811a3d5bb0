import DromHarvest
import DromModel
import DromVocabulary
import Foundation
import GRDB
import Logging
import Testing

@testable import DromStore

/// The in-memory term index must rank exactly as FTS5 does: the same matches, the same bm25
/// scores to the last bit, so the same pages.
@Suite("Ranking in memory, as FTS5 ranks", .serialized)
struct TermIndexTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// Searches as people type them, in the partners' languages (the serve benchmark's words and
  /// more), prefixes and compounds, concepts ("gitanos"), words no entry has, and one word of
  /// each of the first entries' titles.
  static let typed = [
    "Roma", "employment", "empleo jóvenes", "diskriminering", "εργασίας", "stage",
    "mediation Brussels", "discriminación", "racismo gitana", "zapošljavanju", "запошљавању",
    "tirocini", "inclusione sociale", "JobRoad", "blind hiring", "arbetsmarknad", "QualiROM",
    "loc de muncă", "counselling", "stewards", "coaching", "Dominou", "gitanos",
    "jóvenes gitanos", "mentor", "Göteborg", "roma roma", "xyzzy", "a", "integration migrants",
  ]

  private func harvestedSampleNetwork(_ folder: URL) async throws -> DromDatabase {
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let registry = try OPMLRegistryLoader.sources(
      Self.root.appendingPathComponent("docs/sample-network/registry.opml").path)
    var options = HarvestOptions()
    options.ignoreBackoff = true
    _ = try await Harvester(
      database: database, options: options, vocabulary: .empty, logger: Logger(label: "t")
    ).run(registry)
    return database
  }

  private func queries(_ database: DromDatabase) throws -> [String] {
    let titles = try database.pool.read { db in
      try String.fetchAll(db, sql: "SELECT title FROM entry ORDER BY id LIMIT 60")
    }
    let words: [String] = titles.compactMap { title in
      title.split(separator: " ").first { $0.count > 3 }.map { String($0) }
    }
    return Self.typed + words
  }

  /// A fresh index of the sample network, in a folder removed once `body` is done.
  private func withSampleNetwork(_ body: (DromDatabase) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-terms-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try await body(try await harvestedSampleNetwork(folder))
  }

  @Test("every word's matches and bm25 scores are FTS5's, bit for bit")
  func scoresAreFTS5s() async throws {
    try await withSampleNetwork { database in
      let texts = try queries(database)
      let compared = try await database.pool.read { db -> Int in
        var compared = 0
        let table = try database.searchTables.table(for: db)
        #expect(table.termIndex.unusable == nil, "\(table.termIndex.unusable ?? "")")
        let languages = table.indexedLanguages
        for text in texts {
          let forms = QueryForms(text, languages: languages)
          guard let match = forms.ftsMatch else { continue }
          let memory = try #require(table.textMatches(forms), "\(text)")
          var fts5: [Int64: Double] = [:]
          for row in try Row.fetchAll(
            db,
            sql:
              "SELECT rowid, bm25(entryText, 10.0, 4.0, 1.0) FROM entryText WHERE entryText MATCH ?",
            arguments: [match])
          {
            fts5[row[0]] = row[1]
          }
          let mine = Dictionary(
            uniqueKeysWithValues: zip(memory.rows, memory.scores).map {
              (table.items[Int($0)].id, $1)
            })
          #expect(Set(mine.keys) == Set(fts5.keys), "\(text): the same entries match")
          for (id, score) in fts5 where mine[id] != nil {
            #expect(
              mine[id]!.bitPattern == score.bitPattern,
              "\(text), entry \(id): \(mine[id]!) vs \(score)")
          }
          compared += fts5.count
        }
        return compared
      }
      #expect(compared > 300, "the comparison covered \(compared) scored matches")
    }
  }

  @Test(
    "entries removed without a record saying so: the table is loaded again, not trusted, and ranks as FTS5 does"
  )
  func unrecordedDeletion() async throws {
    try await withSampleNetwork { database in
      let query = SearchQuery(text: "Roma", limit: 50)
      let before = try database.search(query, vocabulary: .empty, engine: .memory)
      let gone = try #require(before.hits.first)
      try await database.pool.write { db in
        try db.execute(sql: "DELETE FROM entry WHERE entryID = ?", arguments: [gone.entryID])
        // A new state of the index whose record counts no change.
        let source = try #require(
          try Int64.fetchOne(
            db, sql: "SELECT id FROM source WHERE key = ?", arguments: [gone.sourceKey]))
        try database.insert(
          HarvestRecord(
            sourceKey: gone.sourceKey, sourceTitle: gone.sourceKey, startedAt: Date(),
            finishedAt: Date(), outcome: .notModified),
          sourceID: source, db: db)
      }
      let after = try database.search(query, vocabulary: .empty, engine: .memory)
      #expect(after.total == before.total - 1)
      #expect(!after.hits.contains { $0.entryID == gone.entryID })
      #expect(after == (try database.search(query, vocabulary: .empty, engine: .fts5)))
      let unusable = try await database.pool.read { db in
        try database.searchTables.table(for: db).termIndex.unusable
      }
      #expect(unusable == nil, "\(unusable ?? "")")
    }
  }

  @Test("filters and a date narrow the matches to the entries that have them, scored as without")
  func filtersNarrowWithoutRescoring() async throws {
    try await withSampleNetwork { database in
      let texts = try queries(database)
      let compared = try await database.pool.read { db -> Int in
        let table = try database.searchTables.table(for: db)
        let dates = table.items.filter(\.alive).map(\.updated).filter(\.isFinite).sorted()
        let since = Date(timeIntervalSince1970: dates[dates.count / 2])
        var compared = 0
        for text in texts {
          let forms = QueryForms(text, languages: table.indexedLanguages)
          guard let everything = table.textMatches(forms) else { continue }
          var query = SearchQuery(text: text, filters: [.kind: ["practice", "event"]])
          query.updatedSince = since
          let matches = try #require(Matches(query, table: table))
          let narrowed = try #require(table.textMatches(forms, within: matches.allowed))
          let practice = try #require(table.valueID(.kind, "practice"))
          let event = table.valueID(.kind, "event")
          // By hand: the entries of every match that have the values and the date.
          var expected: [Int32: Double] = [:]
          for (row, score) in zip(everything.rows, everything.scores) {
            let item = table.items[Int(row)]
            let values = table.facetValues[
              Int(item.facetStart)..<Int(item.facetStart + item.facetCount)]
            guard values.contains(practice) || event.map(values.contains) == true,
              item.updated >= since.timeIntervalSince1970
            else { continue }
            expected[row] = score
          }
          let found = Dictionary(uniqueKeysWithValues: zip(narrowed.rows, narrowed.scores))
          #expect(found == expected, "'\(text)'")
          #expect(found.count <= everything.rows.count)
          compared += found.count
        }
        return compared
      }
      #expect(compared > 50, "\(compared) narrowed matches compared")
    }
  }

  @Test("facet counts through bitsets are the counts match by match")
  func facetPlanCounts() async throws {
    try await withSampleNetwork { database in
      let texts = try queries(database)
      let compared = try await database.pool.read { db -> Int in
        let table = try database.searchTables.table(for: db)
        var compared = 0
        for text in [""] + texts {
          for filters in [[:], [Facet.kind: ["practice"]]] as [[Facet: [String]]] {
            var matches = try #require(
              Matches(SearchQuery(text: "", filters: filters), table: table))
            if text.isEmpty {
              matches.admitAll()
            } else if let found = table.textMatches(
              QueryForms(text, languages: table.indexedLanguages), within: matches.allowed)
            {
              matches.admit(found)
            }
            let bitsets = matches.facetCounts(bitsets: true)
            #expect(bitsets == matches.facetCounts(bitsets: false), "'\(text)' \(filters)")
            compared += bitsets.values.reduce(0) { $0 + $1.count }
          }
        }
        return compared
      }
      #expect(compared > 1000, "\(compared) counts compared")
    }
  }

  @Test(
    "searches give the same results, pages and facet counts ranked either way, after harvests that change the index too"
  )
  func resultsAreTheSame() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-terms-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let network = folder.appendingPathComponent("network")
    try FileManager.default.copyItem(
      at: Self.root.appendingPathComponent("docs/sample-network"), to: network)
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let registry = try OPMLRegistryLoader.sources(
      network.appendingPathComponent("registry.opml").path)
    var options = HarvestOptions()
    options.ignoreBackoff = true
    let vocabulary = try Vocabulary.load(
      directory: Self.root.appendingPathComponent("Vocabularies").path)
    func harvest() async throws {
      _ = try await Harvester(
        database: database, options: options, vocabulary: vocabulary, logger: Logger(label: "t")
      ).run(registry)
    }
    func compare(_ stage: String) throws {
      for text in [""] + (try queries(database)) {
        for (language, filters, offset, sort) in [
          ("en", [Facet: [String]](), 0, SearchSort.relevance),
          ("es", [.kind: ["practice"]], 0, .relevance),
          ("sv", [:], 20, .relevance), ("en", [:], 0, .newest),
          // No reader's language: the case where concept-only matches are only counted.
          ("", [:], 0, .relevance), ("", [.kind: ["practice"]], 5, .relevance),
        ] {
          var query = SearchQuery(text: text, filters: filters, limit: 20, offset: offset)
          query.readerLanguage = language.isEmpty ? nil : language
          query.sort = sort
          let memory = try database.search(query, vocabulary: vocabulary, engine: .memory)
          let fts5 = try database.search(query, vocabulary: vocabulary, engine: .fts5)
          #expect(memory == fts5, "\(stage): '\(text)' \(language) \(filters) \(offset) \(sort)")
          // Concept-only matches counted, not ranked, when text matches fill the page: the
          // same as ranking them all.
          let ranked = try database.search(
            query, vocabulary: vocabulary, engine: .memory, deferring: false)
          #expect(memory == ranked, "\(stage), deferred: '\(text)' \(language) \(filters)")
        }
      }
    }
    try await harvest()
    try compare("first harvest")
    // A partner rewrites an entry and drops another: the table is refreshed, not reloaded.
    let feed = network.appendingPathComponent("feeds/goteborg-gransgangare.atom.xml")
    var text = try String(contentsOf: feed, encoding: .utf8)
    let firstEntry = try #require(text.range(of: "<entry>"))
    let end = try #require(text.range(of: "</entry>", range: firstEntry.upperBound..<text.endIndex))
    text.removeSubrange(firstEntry.lowerBound..<end.upperBound)
    text = text.replacingOccurrences(of: "Roma", with: "Roma Roma mentor")
    try text.write(to: feed, atomically: true, encoding: .utf8)
    try await harvest()
    let unusable = try await database.pool.read { db in
      try database.searchTables.table(for: db).termIndex.unusable
    }
    #expect(unusable == nil, "\(unusable ?? "")")
    try compare("after a change")
  }
}

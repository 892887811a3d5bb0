import DromHarvest
import DromModel
import DromStore
import Foundation
import GRDB
import Testing

/// A complete feed in one language: what it no longer lists is deleted.
private func completeFeed(_ language: String, _ entries: [(id: String, title: String)]) -> String {
  """
  <?xml version="1.0" encoding="UTF-8"?>
  <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/"
        xmlns:fh="http://purl.org/syndication/history/1.0" xml:lang="\(language)">
    <title>\(language)</title><id>urn:\(language)</id><updated>2026-03-10T09:00:00Z</updated>
    <fh:complete/>
    \(entries.map { "<entry><id>\($0.id)</id><title>\($0.title)</title><updated>2026-03-10T09:00:00Z</updated><dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>" }.joined(separator: "\n"))
  </feed>
  """
}

@Suite("The search table kept between harvests", .serialized)
struct SearchTableTests {
  @Test(
    "after a harvest that adds, changes and deletes, searches agree with an index opened afresh")
  func refreshedTableMatchesFreshOne() async throws {
    let bench = try HarvestBench()
    bench.server.serve(
      "/sv",
      body: completeFeed(
        "sv", [("urn:sv:1", "Roma stewards i Göteborg"), ("urn:sv:2", "Jobbcoacher")]))
    bench.server.serve(
      "/es",
      body: completeFeed(
        "es", [("urn:es:1", "Empleo gitano"), ("urn:es:2", "Roma stewards en Madrid")]))
    bench.server.serve("/en", body: completeFeed("en", [("urn:en:1", "Roma stewards in Brussels")]))
    let sources = [bench.source("/sv"), bench.source("/es"), bench.source("/en")]
    try await bench.harvest(sources)
    let before = try await bench.database.search(SearchQuery(text: ""))
    #expect(before.total == 5)
    #expect(before.facets["language"]?.first { $0.value == "sv" }?.count == 2)

    // Göteborg drops an entry, Madrid renames one and adds one, Brussels is unchanged.
    bench.server.serve("/sv", body: completeFeed("sv", [("urn:sv:2", "Jobbcoacher")]))
    bench.server.serve(
      "/es",
      body: completeFeed(
        "es",
        [("urn:es:1", "Empleo gitano"), ("urn:es:2", "Mediadores"), ("urn:es:3", "Roma stewards")]))
    try await bench.harvest(sources)

    let reopened = try DromDatabase(path: bench.database.path)
    let queries = [
      SearchQuery(text: ""), SearchQuery(text: "stewards"), SearchQuery(text: "Roma"),
      SearchQuery(text: "", filters: [.language: ["es"]]),
    ]
    for query in queries {
      let kept = try await bench.database.search(query)
      #expect(kept == (try await reopened.search(query)), "\(query.text) \(query.filters)")
    }
    let stewards = try await bench.database.search(SearchQuery(text: "stewards"))
    #expect(Set(stewards.hits.map(\.entryID)) == ["urn:es:3", "urn:en:1"])
    #expect(stewards.facets["language"]?.map(\.value).sorted() == ["en", "es"])
    // The full-text index forgot the changed and deleted texts, and holds the new ones.
    #expect(try await bench.database.search(SearchQuery(text: "Madrid")).total == 0)
    #expect(try await bench.database.search(SearchQuery(text: "Göteborg")).total == 0)
    #expect(try await bench.database.search(SearchQuery(text: "Mediadores")).total == 1)
    try await bench.database.pool.write { db in
      try db.execute(sql: "INSERT INTO entryText(entryText, rank) VALUES ('integrity-check', 1)")
    }
    let all = try await bench.database.search(SearchQuery(text: ""))
    #expect(all.total == 5)
    #expect(all.facets["language"]?.first { $0.value == "sv" }?.count == 1)
    #expect(all.facets["language"]?.first { $0.value == "es" }?.count == 3)
    // The home page's counts are the whole index's, counted the same way.
    let overview = try bench.database.overview()
    #expect(overview.entries == 5)
    #expect(overview.byKind == all.facets["kind"])
    #expect(overview.byKind.first?.count == 5)
  }

  @Test("an entry both listed and marked deleted is deleted, and the full-text index stays whole")
  func listedAndDeletedInOneFeed() async throws {
    let bench = try HarvestBench()
    func feed(_ entries: [(id: String, title: String)], deleted: [String]) -> String {
      completeFeed("sv", entries).replacingOccurrences(
        of: "<fh:complete/>",
        with: "<fh:complete/>"
          + deleted.map {
            "<at:deleted-entry xmlns:at=\"http://purl.org/atompub/tombstones/1.0\" ref=\"\($0)\" when=\"2026-03-11T09:00:00Z\"/>"
          }.joined())
    }
    bench.server.serve(
      "/sv",
      body: feed([("urn:sv:1", "Romska brobyggare"), ("urn:sv:2", "Jobbcoacher")], deleted: []))
    let sources = [bench.source("/sv")]
    try await bench.harvest(sources)
    #expect(try await bench.database.search(SearchQuery(text: "")).total == 2)

    // urn:sv:1 unchanged but deleted, urn:sv:2 changed but deleted, urn:sv:3 new but deleted.
    bench.server.serve(
      "/sv",
      body: feed(
        [
          ("urn:sv:1", "Romska brobyggare"), ("urn:sv:2", "Mentorer"), ("urn:sv:3", "Lärlingar"),
          ("urn:sv:4", "Språkcaféer"),
        ], deleted: ["urn:sv:1", "urn:sv:2", "urn:sv:3"]))
    try await bench.harvest(sources)

    let all = try await bench.database.search(SearchQuery(text: ""))
    #expect(all.hits.map(\.entryID) == ["urn:sv:4"])
    for gone in ["brobyggare", "Jobbcoacher", "Mentorer", "Lärlingar"] {
      #expect(try await bench.database.search(SearchQuery(text: gone)).total == 0, "\(gone)")
    }
    #expect(try await bench.database.search(SearchQuery(text: "Språkcaféer")).total == 1)
    try await bench.database.pool.write { db in
      try db.execute(sql: "INSERT INTO entryText(entryText, rank) VALUES ('integrity-check', 1)")
    }
  }
}

import DromHarvest
import DromModel
import DromStore
import DromVocabulary
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// A feed of the given entries (id → title), optionally complete, with tombstones.
func feed(_ entries: [(String, String)], complete: Bool = false, deleted: [String] = []) -> String {
  """
  <?xml version="1.0" encoding="UTF-8"?>
  <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/"
        xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:at="http://purl.org/atompub/tombstones/1.0" xml:lang="nl">
    <title>Foyer</title><id>urn:foyer</id><updated>2026-03-10T09:00:00Z</updated>
    \(complete ? "<fh:complete/>" : "")
    \(deleted.map { "<at:deleted-entry ref=\"\($0)\"/>" }.joined())
    \(entries.map { "<entry><id>\($0.0)</id><title>\($0.1)</title><updated>2026-03-10T09:00:00Z</updated><dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>" }.joined(separator: "\n"))
  </feed>
  """
}

/// A fresh index in a temporary directory, a fixture server, and a harvester between them.
final class HarvestBench {
  let server = FixtureServer()
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "drom-harvest-\(UUID())")
  let database: DromDatabase
  var options = HarvestOptions()
  var vocabulary = Vocabulary.empty

  init() throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    database = try DromDatabase(path: directory.appendingPathComponent("index.sqlite").path)
    try server.start()
    options.backoff.base = 0  // tests harvest again at once
    options.ignoreBackoff = true
  }

  deinit {
    server.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  func source(_ path: String, allowPrivate: Bool = true) -> SourceDescription {
    SourceDescription(
      key: server.url(path), title: "Foyer", feedURL: server.url(path), city: "Brussel",
      country: "BE",
      allowPrivateAddress: allowPrivate)
  }

  @discardableResult
  func harvest(_ sources: [SourceDescription]) async throws -> [SourceHarvest] {
    try await Harvester(
      database: database, options: options, vocabulary: vocabulary, logger: Logger(label: "test")
    ).run(sources)
  }

  func titles(_ source: SourceDescription) throws -> [String] {
    try database.entries(sourceKey: source.key).map(\.title)
  }
}

@Suite("Harvesting over real HTTP on loopback", .serialized)
struct HarvestTests {
  @Test(
    "A changed ETag brings the change; a 304 changes nothing and the server's validators go back")
  func conditionalGet() async throws {
    let bench = try HarvestBench()
    let etag = Locked("\"v1\"")
    let body = Locked(feed([("urn:1", "Roma stewards"), ("urn:2", "Digitale coaching")]))
    bench.server.route("/feed") { head in
      if head.headers.first(name: "If-None-Match") == etag.value {
        return .init(status: .notModified, body: Data())
      }
      return .init(
        headers: [("ETag", etag.value), ("Last-Modified", "Tue, 10 Mar 2026 09:00:00 GMT")],
        body: Data(body.value.utf8))
    }
    let source = bench.source("/feed")
    let first = try await bench.harvest([source])
    #expect(first[0].record.outcome == .updated)
    #expect(first[0].record.counts.added == 2)

    let second = try await bench.harvest([source])
    #expect(second[0].record.outcome == .notModified)
    #expect(second[0].record.httpStatus == 304)
    let conditional = try #require(bench.server.requests(to: "/feed").last)
    #expect(conditional.headers.first(name: "If-None-Match") == "\"v1\"")
    #expect(conditional.headers.first(name: "If-Modified-Since") == "Tue, 10 Mar 2026 09:00:00 GMT")
    #expect(conditional.headers.first(name: "User-Agent")?.hasPrefix("Drom/") == true)

    etag.value = "\"v2\""
    body.value = feed([("urn:1", "Roma stewards in Molenbeek"), ("urn:2", "Digitale coaching")])
    let third = try await bench.harvest([source])
    #expect(third[0].record.counts.changed == 1)
    #expect(third[0].record.counts.unchanged == 1)
    #expect(try bench.titles(source) == ["Roma stewards in Molenbeek", "Digitale coaching"])
  }

  @Test("A server that ignores validators costs nothing when the body is unchanged")
  func bodyHashFallback() async throws {
    let bench = try HarvestBench()
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")]))
    let source = bench.source("/feed")
    try await bench.harvest([source])
    let again = try await bench.harvest([source])
    #expect(again[0].record.outcome == .notModified)
    #expect(again[0].record.counts == SyncCounts())
  }

  @Test("A broken feed, an HTTP 500, an oversized feed and a slow one lose nothing already indexed")
  func failuresLoseNothing() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    bench.server.serve(
      "/feed",
      body: feed([("urn:1", "Roma stewards"), ("urn:2", "Digitale coaching")], complete: true))
    // The baseline harvest runs with the default bounds: on a busy machine 1 s could end it too.
    let first = try await bench.harvest([source])
    try #require(first[0].record.outcome == .updated, "\(first[0].record.message ?? "")")
    bench.options.fetch.maxBytes = 4_000
    let defaultTimeout = bench.options.fetch.responseTimeout
    // Only the slow answer runs against a short deadline: on a busy machine (the whole suite in
    // parallel) a 1 s deadline could end the others too, and they would fail for that instead.
    let failures: [(FixtureServer.Response, HarvestOutcome, slow: Bool)] = [
      (
        .init(body: Data("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>".utf8)), .rejected,
        false
      ),
      (.init(status: .internalServerError, body: Data("oops".utf8)), .failed, false),
      (
        .init(
          body: Data(feed((1...100).map { ("urn:\($0)", "Entry \($0)") }, complete: true).utf8)),
        .failed, false
      ),
      (.init(body: Data(feed([], complete: true).utf8), delay: .seconds(3)), .failed, true),
    ]
    for (response, outcome, slow) in failures {
      bench.options.fetch.responseTimeout = slow ? 1 : defaultTimeout
      bench.server.route("/feed") { _ in response }
      let result = try await bench.harvest([source])
      #expect(result[0].record.outcome == outcome, "\(result[0].record.message ?? "")")
      #expect(try bench.titles(source) == ["Roma stewards", "Digitale coaching"])
    }
    let report = try bench.database.harvestHistory(sourceKey: source.key, perSource: 10)
    #expect(report.count == 5)
    #expect(report.contains { $0.message?.contains("HTTP 500") == true })
    #expect(report.contains { $0.message?.contains("larger than 4000 bytes") == true })
    #expect(report.contains { $0.diagnostics.contains { $0.code == "xml.malformed" } })
  }

  @Test("An unchanged feed keeps showing the problems its last reading found")
  func problemsOutliveNotModified() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    // An entry with a bad date: a warning on the source's report.
    bench.server.serve(
      "/feed",
      body: feed([("urn:1", "A")]).replacingOccurrences(
        of: "<updated>2026-03-10T09:00:00Z</updated><dcterms:type>",
        with: "<updated>next week</updated><dcterms:type>"))
    let first = try await bench.harvest([source])
    #expect(first[0].record.diagnostics.contains { $0.code == "entry.bad-date" })
    let second = try await bench.harvest([source])
    #expect(second[0].record.outcome == .notModified)
    let latest = try #require(try bench.database.latestHarvests()[source.key])
    #expect(latest.outcome == .notModified)
    #expect(latest.diagnostics.contains { $0.code == "entry.bad-date" })
  }

  @Test("A complete feed deletes what it no longer lists; a tombstone deletes its entry")
  func deletions() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    bench.server.serve(
      "/feed", body: feed([("urn:1", "A"), ("urn:2", "B"), ("urn:3", "C")], complete: true))
    try await bench.harvest([source])
    bench.server.serve("/feed", body: feed([("urn:1", "A"), ("urn:3", "C")], complete: true))
    let completed = try await bench.harvest([source])
    #expect(completed[0].record.counts.deleted == 1)
    #expect(try bench.titles(source) == ["A", "C"])
    bench.server.serve("/feed", body: feed([("urn:1", "A")], deleted: ["urn:3"]))
    let tombstoned = try await bench.harvest([source])
    #expect(tombstoned[0].record.counts.deleted == 1)
    #expect(try bench.titles(source) == ["A"])
  }

  @Test("A permanent redirect is followed and remembered; the next harvest goes straight there")
  func permanentRedirect() async throws {
    let bench = try HarvestBench()
    bench.server.route("/old") { _ in
      .init(status: .movedPermanently, headers: [("Location", "/new")])
    }
    bench.server.serve("/new", body: feed([("urn:1", "Moved")]))
    let source = bench.source("/old")
    try await bench.harvest([source])
    #expect(try bench.titles(source) == ["Moved"])
    try await bench.harvest([source])
    #expect(bench.server.requests(to: "/old").count == 1)
    #expect(bench.server.requests(to: "/new").count == 2)
  }

  @Test("A redirect loop stops at the limit and is reported")
  func redirectLoop() async throws {
    let bench = try HarvestBench()
    bench.server.route("/loop") { _ in .init(status: .found, headers: [("Location", "/loop")]) }
    let result = try await bench.harvest([bench.source("/loop")])
    #expect(result[0].record.outcome == .failed)
    #expect(result[0].record.message?.contains("redirects") == true)
  }

  @Test("A loopback address is refused unless the registry allows it")
  func addressGuard() async throws {
    let bench = try HarvestBench()
    bench.server.serve("/feed", body: feed([("urn:1", "A")]))
    let result = try await bench.harvest([bench.source("/feed", allowPrivate: false)])
    #expect(result[0].record.outcome == .failed)
    #expect(
      result[0].record.message?.contains(
        "a loopback address, which Drom does not fetch from unless the registry allows it") == true)
    #expect(bench.server.requests.isEmpty)
  }

  @Test("A failing source backs off, and is deferred until then")
  func backoff() async throws {
    let bench = try HarvestBench()
    bench.options.ignoreBackoff = false
    bench.options.backoff.base = 3600
    bench.server.serve("/feed", body: "nope", status: .serviceUnavailable)
    let source = bench.source("/feed")
    try await bench.harvest([source])
    let again = try await bench.harvest([source])
    #expect(again[0].record.outcome == .deferred)
    #expect(bench.server.requests(to: "/feed").count == 1)
  }
}

/// A value shared between a test and the server's handler.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value
  init(_ value: Value) { stored = value }
  var value: Value {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}

@Suite("Archives and shared practices", .serialized)
struct ArchiveAndClusterTests {
  private func page(_ entries: [(String, String)], previous: String?) -> String {
    feed(entries).replacingOccurrences(
      of: "<title>Foyer</title>",
      with: "<title>Foyer</title>"
        + (previous.map { "<link rel=\"prev-archive\" href=\"\($0)\"/>" } ?? ""))
  }

  @Test("The first harvest follows prev-archive pages; later harvests read only the feed")
  func archivePages() async throws {
    let bench = try HarvestBench()
    bench.server.serve(
      "/feed", body: page([("urn:5", "Five"), ("urn:4", "Four")], previous: "/archive/2"))
    bench.server.serve(
      "/archive/2",
      body: page([("urn:3", "Three"), ("urn:4", "Four, older")], previous: "archive/1"))
    bench.server.serve("/archive/archive/1", body: page([("urn:1", "One")], previous: "/feed"))
    let source = bench.source("/feed")
    let first = try await bench.harvest([source])
    #expect(first[0].record.counts.added == 4)
    // The newest copy of an entry wins; the loop back to /feed ends the walk.
    #expect(try bench.titles(source).sorted() == ["Five", "Four", "One", "Three"])
    try await bench.harvest([source])
    #expect(bench.server.requests(to: "/archive/2").count == 1)
  }

  @Test("The same practice from two partners is one hit that names both")
  func sharedPractice() async throws {
    let bench = try HarvestBench()
    let shared = """
      <entry><id>urn:QUALIROM</id><title>QualiROM internships</title><updated>2026-03-10T09:00:00Z</updated>
      <link href="https://ref.example.rs/qualirom"/><dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>
      """
    bench.server.serve(
      "/belgrade", body: feed([]).replacingOccurrences(of: "</feed>", with: shared + "</feed>"))
    bench.server.serve(
      "/novi-sad",
      body: feed([]).replacingOccurrences(
        of: "</feed>",
        with: shared.replacingOccurrences(of: "urn:QUALIROM", with: "urn:ns:1") + "</feed>"))
    var belgrade = bench.source("/belgrade")
    belgrade.title = "REF Serbia"
    var noviSad = bench.source("/novi-sad")
    noviSad.title = "Novi Sad"
    try await bench.harvest([belgrade, noviSad])
    let results = try await bench.database.search(SearchQuery(text: "QualiROM"))
    #expect(results.total == 1)
    #expect(results.hits.count == 1)
    let other = try #require(results.hits.first?.alsoPublishedBy.first)
    #expect(other == (results.hits[0].sourceTitle == "Novi Sad" ? "REF Serbia" : "Novi Sad"))
  }
}

import DromHarvest
import DromModel
import DromStore
import Foundation
import Logging
import Testing

@Suite("Erasure at a person's request")
struct ErasureTests {
  @Test(
    "drom erase removes a person from the index and the file's bytes at once, and the next harvest does not take them back"
  )
  func eraseAndHarvestAgain() async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-erase-\(UUID())")
    let network = folder.appendingPathComponent("network")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: root.appendingPathComponent("docs/sample-network"), to: network)
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let registry = try OPMLRegistryLoader.sources(
      network.appendingPathComponent("registry.opml").path)
    func harvest() async throws {
      var options = HarvestOptions()
      options.ignoreBackoff = true
      _ = try await Harvester(
        database: database, options: options, vocabulary: .empty, logger: Logger(label: "t")
      ).run(registry, now: { ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")! })
    }
    func people(_ text: String) throws -> [SearchHit] {
      try database.search(SearchQuery(text: text, filters: [.kind: ["person"]], limit: 20)).hits
    }
    func fileHolds(_ text: String) -> Bool {
      ["index.sqlite", "index.sqlite-wal"].contains { name in
        FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)?
          .range(of: Data(text.utf8)) != nil
      }
    }
    try await harvest()
    let sara = try #require(try people("Lindqvist").first)
    let partnerEntries = try database.entryCounts()
    #expect(fileHolds("Lindqvist"))

    #expect(try database.erase("no-such-entry").isEmpty)
    let erased = try database.erase(sara.slug)
    #expect(erased.map(\.entryID) == [sara.entryID])
    #expect(try people("Lindqvist").isEmpty)
    #expect(try database.entry(slug: sara.slug) == nil)
    #expect(!fileHolds("Lindqvist"), "the name is still in the index file's bytes")
    // The index keeps only a hash of the identifier, and the partner.
    #expect(try database.erasures().map(\.entryHash) == erased.map(\.entryHash))
    #expect(try database.erasures().allSatisfy { $0.entryID == nil && $0.title == nil })

    // The partner's feed still lists her (and changes, so it is read again): she stays out,
    // and the partner's other entries are all there.
    let feed = network.appendingPathComponent("feeds/goteborg-gransgangare.atom.xml")
    var xml = try String(contentsOf: feed, encoding: .utf8)
    #expect(xml.contains("Lindqvist"))
    xml += "\n<!-- read again -->\n"
    try xml.write(to: feed, atomically: true, encoding: .utf8)
    try await harvest()
    #expect(try people("Lindqvist").isEmpty)
    #expect(!fileHolds("Lindqvist"))
    let after = try database.entryCounts()
    #expect(after.values.reduce(0, +) == partnerEntries.values.reduce(0, +) - 1)
  }
}

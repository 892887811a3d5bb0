import DromHarvest
import DromModel
import DromStore
import DromVocabulary
import Foundation
import Logging
import Testing

@Suite("Consent that runs out")
struct ConsentExpiryTests {
  @Test(
    "a person whose consent ran out leaves the index at the next harvest, even from a feed that did not change"
  )
  func expiresWithoutAFeedChange() async throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-consent-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let registry = try OPMLRegistryLoader.sources(
      root.appendingPathComponent("docs/sample-network/registry.opml").path)
    func harvest(on day: String) async throws -> [SourceHarvest] {
      var options = HarvestOptions()
      options.ignoreBackoff = true
      return try await Harvester(
        database: database, options: options, vocabulary: .empty, logger: Logger(label: "t")
      ).run(registry, now: { ISO8601DateFormatter().date(from: day + "T12:00:00Z")! })
    }
    func people() throws -> [String] {
      try database.search(SearchQuery(text: "", filters: [.kind: ["person"]], limit: 100))
        .hits.map(\.title)
    }
    func total(_ text: String) throws -> Int {
      try database.search(SearchQuery(text: text, limit: 10)).total
    }
    let files = ["index.sqlite", "index.sqlite-wal"].map { folder.appendingPathComponent($0) }
    func fileHolds(_ name: String) -> Bool {
      files.contains {
        FileManager.default.contents(atPath: $0.path)?.range(of: Data(name.utf8)) != nil
      }
    }
    _ = try await harvest(on: "2026-11-23")
    let before = try people()
    #expect(before.contains { $0.hasPrefix("Sara Lindqvist") })
    #expect(fileHolds("Lindqvist"), "the bytes test below could not fail")
    // Sara Lindqvist's consent ends on 2028-12-31. No feed changed: every source is unchanged.
    let later = try await harvest(on: "2029-01-01")
    #expect(later.allSatisfy { $0.record.counts.added == 0 && $0.record.counts.changed == 0 })
    let after = try people()
    #expect(!after.contains { $0.hasPrefix("Sara Lindqvist") })
    #expect(after.count < before.count)
    #expect(try total("Lindqvist") == 0)
    // Gone from the file's bytes too, the write-ahead log included: not in a free page, not in
    // the full-text index's segments, not in an old page image.
    for name in ["Lindqvist", "lindqvist", "LINDQVIST"] {
      #expect(!fileHolds(name), "\(name) is still in the index file or its log")
    }
  }
}

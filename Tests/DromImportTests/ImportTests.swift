import DromFeeds
import DromHarvest
import DromModel
import DromStore
import DromVocabulary
import Foundation
import Logging
import Testing

@testable import DromImport

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let samples = repositoryRoot.appendingPathComponent("Importers/samples")
let profiles = repositoryRoot.appendingPathComponent("Importers/profiles")
let vocabulary = try! Vocabulary.load(
  directory: repositoryRoot.appendingPathComponent("Vocabularies").path)
let today = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!

func importing(
  _ files: [String], profile: String, previous: String? = nil, now: Date = today
) throws -> Importer.Result {
  let profile = try ImportProfile.load(path: profiles.appendingPathComponent(profile).path)
  return Importer(profile: profile, vocabulary: vocabulary, now: now, previousFeed: previous)
    .run(files: files)
}

/// What drom validate would say of a feed: its errors and warnings.
func check(_ feed: String) -> [Diagnostic] {
  FeedReader.read(Data(feed.utf8), file: "feed.xml", options: FeedReadOptions(now: today))
    .diagnostics.filter { $0.severity != .note }
}

/// Compares text with a golden file under Tests/DromImportTests/Golden; with
/// DROM_RECORD_GOLDEN=1 in the environment, writes the file instead.
func matchesGolden(_ actual: String, named name: String) throws -> Bool {
  let url = repositoryRoot.appendingPathComponent("Tests/DromImportTests/Golden/\(name)")
  if ProcessInfo.processInfo.environment["DROM_RECORD_GOLDEN"] == "1" {
    try Data(actual.utf8).write(to: url)
    return true
  }
  return try String(contentsOf: url, encoding: .utf8) == actual
}

@Suite("Importers")
struct ImportTests {
  @Test(
    "each sample imports to its golden feed, which validates with no error or warning",
    arguments: [
      ("praktiker.csv", "practices.yaml"), ("contactos.csv", "contacts.yaml"),
      ("kontakti.vcf", "kontakti-vcard.yaml"), ("zakoni.csv", "laws.yaml"),
      ("constats.csv", "findings.yaml"),
    ])
  func samplesToGoldenFeeds(sample: String, profile: String) throws {
    let result = try importing([samples.appendingPathComponent(sample).path], profile: profile)
    #expect(result.errors.isEmpty, "\(result.errors)")
    let feed = try #require(result.feed)
    #expect(check(feed).isEmpty, "\(check(feed).map(\.compilerStyle))")
    #expect(try matchesGolden(feed, named: sample + ".atom.xml"))
    #expect(feed.contains("<fh:complete/>"))
  }

  @Test(
    "a person without consent, or whose consent ran out, is left out with a warning naming the row")
  func consent() throws {
    let result = try importing(
      [samples.appendingPathComponent("contactos.csv").path], profile: "contacts.yaml")
    let warnings = result.problems.filter { $0.severity == .warning }
    #expect(result.rowsLeftOut == 2)
    #expect(warnings.count == 2)
    for warning in warnings {
      #expect(warning.location.row != nil && warning.location.columnName != nil)
      #expect(
        !(result.feed ?? "").contains(warning.message.components(separatedBy: " has no").first!))
    }
  }

  @Test("re-importing an edited sheet changes exactly the edited entry and deletes the deleted one")
  func roundTrip() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-import-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let sheet = folder.appendingPathComponent("praktiker.csv")
    let feed = folder.appendingPathComponent("feed.xml")
    let original = try String(
      contentsOf: samples.appendingPathComponent("praktiker.csv"), encoding: .utf8
    ).replacingOccurrences(of: "\r\n", with: "\n")
    try Data(original.utf8).write(to: sheet)
    let first = try #require(try importing([sheet.path], profile: "practices.yaml").feed)
    try Data(first.utf8).write(to: feed)
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let registry = folder.appendingPathComponent("registry.opml")
    try Data(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <opml version="2.0" xmlns:drom="https://w3id.org/drom/ns#"><head><title>test</title></head><body>
      <outline type="rss" text="Gränsgångare" xmlUrl="feed.xml" language="sv" drom:city="Göteborg" drom:country="SE"/>
      </body></opml>
      """.utf8
    ).write(to: registry)
    func harvest() async throws -> HarvestRecord {
      var options = HarvestOptions()
      options.ignoreBackoff = true
      _ = try await Harvester(
        database: database, options: options, vocabulary: vocabulary, logger: Logger(label: "t")
      ).run(try OPMLRegistryLoader.sources(registry.path), now: { today })
      return try #require(try database.harvestHistory(perSource: 1).first)
    }
    let before = try await harvest()
    #expect(before.counts.added == 8)
    // Edit a cell of row 3 (practice 2), delete row 5 (practice 4), move row 9 to the top.
    var lines = original.components(separatedBy: "\n")
    let body = Array(lines[2...]).filter { !$0.isEmpty }
    // Rows are single lines in this sample except where a quoted cell spans lines; find by Nr.
    func record(_ number: String) -> Int { lines.firstIndex { $0.hasPrefix(number + ";") }! }
    _ = body
    let edited = record("2")
    lines[edited] = lines[edited].replacingOccurrences(
      of: "Rutin för att uppmärksamma", with: "Ny rutin för att uppmärksamma")
    lines.remove(at: record("4"))
    let moved = lines.remove(at: record("8"))
    lines.insert(moved, at: 2)
    try Data(lines.joined(separator: "\n").utf8).write(to: sheet)
    let later = today.addingTimeInterval(86_400)
    let second = try #require(
      try importing([sheet.path], profile: "practices.yaml", previous: first, now: later).feed)
    try Data(second.utf8).write(to: feed)
    let after = try await harvest()
    #expect(after.counts.added == 0)
    #expect(after.counts.changed == 1)
    #expect(after.counts.deleted == 1)
    #expect(after.counts.unchanged == 6)
  }

  @Test("a mistyped theme is an error that names the row and column and offers the closest labels")
  func unknownTheme() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-import-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let sheet = folder.appendingPathComponent("praktiker.csv")
    let original = try String(
      contentsOf: samples.appendingPathComponent("praktiker.csv"), encoding: .utf8
    ).replacingOccurrences(of: "\r\n", with: "\n")
    // Practice 3 (row 5: row 1 groups the contact columns, a quoted cell of practice 1 spans
    // lines) gets a theme nobody has.
    var lines = original.components(separatedBy: "\n")
    let line = lines.firstIndex { $0.hasPrefix("3;") }!
    lines[line] = lines[line].replacingOccurrences(
      of: "\"participatory-diagnosis", with: "\"Mentorsskapp; participatory-diagnosis")
    try Data(lines.joined(separator: "\n").utf8).write(to: sheet)
    let result = try importing([sheet.path], profile: "practices.yaml")
    #expect(result.feed == nil)
    let problem = try #require(result.errors.first)
    #expect(problem.code == "import.unknown-concept")
    #expect(problem.location.row == 5)
    #expect(problem.location.columnName == "Teman")
    #expect(problem.description.contains("praktiker.csv: row 5, column F (Teman): error:"))
    #expect(problem.message.contains("closest: Mentorskap (mentoring)"))
  }
}

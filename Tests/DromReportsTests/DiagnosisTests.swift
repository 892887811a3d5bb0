import DromHarvest
import DromModel
import DromSite
import DromStore
import DromVocabulary
import Foundation
import Logging
import Testing

@testable import DromReports

let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sample network harvested into a fresh index, plus one feed of the test's own.
struct SampleIndex: Sendable {
  /// Where the copy of the network and the index are: golden files name it `$FOLDER`.
  let folder: URL
  let database: DromDatabase
  let vocabulary: Vocabulary
  let site: Site

  /// - Parameter fixedFolder: a folder at a fixed path: entry addresses derive from the feeds'
  ///   addresses, so golden files need the network at the same place on every machine.
  static func make(extraFeed: String? = nil, fixedFolder: String? = nil) async throws
    -> SampleIndex
  {
    let folder =
      fixedFolder.map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("drom-reports-\(UUID())")
    if fixedFolder != nil { try? FileManager.default.removeItem(at: folder) }
    let network = folder.appendingPathComponent("network")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repositoryRoot.appendingPathComponent("docs/sample-network"), to: network)
    let registry = network.appendingPathComponent("registry.opml")
    if let extraFeed {
      try Data(extraFeed.utf8).write(to: network.appendingPathComponent("feeds/extra.atom.xml"))
      var opml = try String(contentsOf: registry, encoding: .utf8)
      opml = opml.replacingOccurrences(
        of: "</body>",
        with: """
            <outline type="rss" text="Test partner" xmlUrl="feeds/extra.atom.xml" language="sv" drom:city="Göteborg" drom:country="SE"/>
          </body>
          """)
      try Data(opml.utf8).write(to: registry)
    }
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let vocabulary = try Vocabulary.load(
      directory: repositoryRoot.appendingPathComponent("Vocabularies").path)
    var options = HarvestOptions()
    options.ignoreBackoff = true
    _ = try await Harvester(
      database: database, options: options, vocabulary: vocabulary, logger: Logger(label: "test")
    ).run(try OPMLRegistryLoader.sources(registry.path), now: { day("2026-11-23") })
    return SampleIndex(
      folder: folder, database: database, vocabulary: vocabulary,
      site: try await Site.load(directory: repositoryRoot.appendingPathComponent("Site").path))
  }

  var builder: DiagnosisBuilder { DiagnosisBuilder(database: database, vocabulary: vocabulary) }

  /// Every format of one diagnosis, as text.
  func formats(_ diagnosis: Diagnosis) throws -> [String: String] {
    let text = DiagnosisText(strings: site.strings(diagnosis.language))
    return [
      "md": text.markdown(diagnosis), "csv": text.csv(diagnosis),
      "json": String(decoding: try DiagnosisText.json(diagnosis), as: UTF8.self),
      "html": try DiagnosisPage(site: site).html(diagnosis, standalone: true),
      "page": try DiagnosisPage(site: site).html(diagnosis, standalone: false, downloads: true),
    ]
  }
}

func day(_ text: String) -> Date {
  let formatter = ISO8601DateFormatter()
  formatter.formatOptions = [.withFullDate]
  return formatter.date(from: text)!
}

private actor Shared {
  static let shared = Shared()
  private var index: SampleIndex?

  func get() async throws -> SampleIndex {
    if let index { return index }
    let made = try await SampleIndex.make(fixedFolder: "/tmp/drom-reports-golden")
    index = made
    return made
  }
}

/// Compares text with a golden file under Tests/DromReportsTests/Golden; with
/// DROM_RECORD_GOLDEN=1 in the environment, writes the file instead.
func matchesGolden(_ actual: String, named name: String) throws -> Bool {
  let url = repositoryRoot.appendingPathComponent("Tests/DromReportsTests/Golden/\(name)")
  if ProcessInfo.processInfo.environment["DROM_RECORD_GOLDEN"] == "1" {
    try Data(actual.utf8).write(to: url)
    return true
  }
  return try String(contentsOf: url, encoding: .utf8) == actual
}

@Suite("Local diagnosis", .serialized)
struct DiagnosisTests {
  @Test("each format of Göteborg's diagnosis matches its golden file")
  func goldenFiles() async throws {
    let index = try await Shared.shared.get()
    let diagnosis = try index.builder.build(
      city: "Göteborg", language: "en", now: day("2026-12-01"))
    for (format, text) in try index.formats(diagnosis) {
      // The stylesheet has golden files of its own (the browser tests' screenshots): here only
      // that it is there, inside the document or linked by its content hash.
      let text = text.replacingOccurrences(of: index.folder.path, with: "$FOLDER")
        .replacing(#/<style>[\s\S]*?<\/style>/#, with: "<style>/* Site/assets/drom.css */</style>")
        .replacing(#/drom\.[0-9a-f]{12}\.css/#, with: "drom.HASH.css")
      #expect(
        try matchesGolden(text, named: "goteborg-en.\(format == "page" ? "page.html" : format)"),
        "\(format)")
    }
  }

  @Test("a city is found by any spelling or its LAU code; an unknown one is told what exists")
  func cityLookup() async throws {
    let builder = try await Shared.shared.get().builder
    #expect(try builder.resolveCity("goteborg") == "Göteborg")
    #expect(try builder.resolveCity("1480") == "Göteborg")  // LAU code of the registry
    #expect(try builder.resolveCity("21012") == "Sint-Jans-Molenbeek / Molenbeek-Saint-Jean")
    #expect(try builder.resolveCity("Brussel") == "Bruxelles / Brussel")
    #expect(try builder.resolveCity("ΑΘΉΝΑ") == "Αθήνα")
    #expect(try builder.resolveCity("Athens") == "Αθήνα")  // through the gazetteer
    #expect(try builder.resolveCity("Gothenburg") == "Göteborg")
    #expect(throws: DiagnosisBuilder.Problem.self) { try builder.resolveCity("Atlantis") }
    #expect(try builder.usualLanguage(city: "Göteborg", among: ["en", "sv"]) == "sv")
  }

  @Test("every sample city has findings, a gap, and a legal frame from its country to the EU")
  func everySampleCityIsMeaningful() async throws {
    let index = try await Shared.shared.get()
    for city in [
      "Göteborg", "Bruxelles / Brussel", "Αθήνα", "Beograd", "Novi Sad", "Craiova",
      "Sevilla", "Paris", "København", "Madrid", "Chiaramonte Gulfi",
    ] {
      let diagnosis = try index.builder.build(city: city, language: "en", now: day("2026-12-01"))
      #expect(!diagnosis.findings(in: .city).isEmpty, "\(city) has findings")
      #expect(!diagnosis.gaps.isEmpty, "\(city) has a gap")
      #expect(!diagnosis.practices.isEmpty, "\(city) has practices")
      let levels = diagnosis.legalFrame.map(\.level)
      #expect(levels == levels.sorted(), "\(city): city → region → country → EU")
      #expect(levels.contains(.eu), "\(city) names EU law")
      // A region's law is there only for cities in that region.
      for law in diagnosis.legalFrame where law.level == .region {
        let stored = try #require(try index.database.entry(slug: law.item.slug))
        #expect(
          stored.entry.places.contains { place in
            place.nuts.map { (diagnosis.city.nuts ?? "").hasPrefix($0) } ?? false
          }, "\(city): \(law.item.title)")
      }
      #expect(diagnosis.chart.contains { $0.findings > 0 })
    }
  }

  @Test("a gap suggests other cities' practices on the same concept, in other languages")
  func gapsAcrossLanguages() async throws {
    let index = try await Shared.shared.get()
    let diagnosis = try index.builder.build(
      city: "Göteborg", language: "en", now: day("2026-12-01"))
    let local = Set(diagnosis.practices.flatMap(\.practices).map(\.slug))
    var foreign = 0
    for gap in diagnosis.gaps {
      let addressing = index.builder.addressingConcepts(gap.concept.uri)
      for practice in gap.elsewhere {
        #expect(!local.contains(practice.slug))
        #expect(!practice.cities.contains("Göteborg"))
        let stored = try #require(try index.database.entry(slug: practice.slug))
        #expect(!Set(stored.entry.concepts).isDisjoint(with: addressing), "\(practice.title)")
        if practice.language?.hasPrefix("sv") == false { foreign += 1 }
      }
      // No local practice addresses a gap.
      for group in diagnosis.practices {
        for practice in group.practices {
          let stored = try #require(try index.database.entry(slug: practice.slug))
          #expect(Set(stored.entry.concepts).isDisjoint(with: addressing))
        }
      }
    }
    #expect(foreign > 0, "suggestions in languages other than Swedish")
  }

  @Test("a person without consent, or whose consent ran out, is in no format")
  func consent() async throws {
    let extra = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/"
            xmlns:drom="https://w3id.org/drom/ns#" xml:lang="sv">
        <id>tag:test.example.org,2026:feed</id>
        <title>Testpartner</title>
        <updated>2026-11-01T00:00:00Z</updated>
        <author><name>Testpartner</name></author>
        <entry>
          <id>tag:test.example.org,2026:practice/mentorskap</id>
          <title>Mentorskap för nyanlända</title>
          <updated>2026-11-01T00:00:00Z</updated>
          <summary>Mentorer möter nyanlända varje vecka.</summary>
          <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type>
          <dcterms:spatial drom:country="SE">Göteborg</dcterms:spatial>
          <vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">
            <kind><text>individual</text></kind>
            <fn><text>Ingen Samtyckesson</text></fn>
            <email><text>ingen@test.example.org</text></email>
          </vcard>
          <vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">
            <kind><text>individual</text></kind>
            <fn><text>Utgången Samtyckesdotter</text></fn>
            <email><text>utgangen@test.example.org</text></email>
            <drom:consent recorded="2025-01-01" expires="2026-11-30"/>
          </vcard>
        </entry>
        <entry>
          <id>tag:test.example.org,2026:person/utan-samtycke</id>
          <title>Person utan samtycke</title>
          <updated>2026-11-01T00:00:00Z</updated>
          <dcterms:type>https://w3id.org/drom/vocab/kinds/person</dcterms:type>
          <dcterms:spatial drom:country="SE">Göteborg</dcterms:spatial>
          <vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">
            <kind><text>individual</text></kind>
            <fn><text>Ingen Samtyckesson</text></fn>
          </vcard>
        </entry>
      </feed>
      """
    let index = try await SampleIndex.make(extraFeed: extra)
    // Harvested on 2026-11-23, when the second person's consent still held.
    let before = try index.builder.build(city: "Göteborg", language: "sv", now: day("2026-11-24"))
    let beforeText = try index.formats(before).values.joined()
    #expect(beforeText.contains("Mentorskap för nyanlända"))
    #expect(beforeText.contains("Utgången Samtyckesdotter"))
    #expect(beforeText.contains("Sara Lindqvist"))
    // A week later it has run out; and three years later Sara Lindqvist's has too (2028-12-31).
    for (now, gone) in [
      ("2026-12-01", ["Utgången Samtyckesdotter", "utgangen@"]),
      ("2029-01-01", ["Utgången Samtyckesdotter", "Sara Lindqvist", "sara.lindqvist@"]),
    ] {
      let diagnosis = try index.builder.build(city: "Göteborg", language: "sv", now: day(now))
      for (format, text) in try index.formats(diagnosis) {
        let text = text.replacingOccurrences(of: index.folder.path, with: "$FOLDER")
        #expect(!text.contains("Ingen Samtyckesson"), "\(format) on \(now)")
        #expect(!text.contains("ingen@test"), "\(format) on \(now)")
        for name in gone { #expect(!text.contains(name), "\(name) in \(format) on \(now)") }
      }
    }
  }

  @Test("partners' text cannot inject markup into Markdown, HTML or spreadsheets")
  func escaping() {
    #expect(
      DiagnosisText.escape("<script>alert(1)</script>") == "\\<script\\>alert(1)\\</script\\>")
    #expect(
      DiagnosisText.escape("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))")
    #expect(DiagnosisText.escape("# not a heading") == "\\# not a heading")
    #expect(DiagnosisText.escape("1. not a list") == "1\\. not a list")
    #expect(DiagnosisText.escape("- not a list\nline") == "\\- not a list line")
    #expect(DiagnosisText.target("javascript:alert(1)") == nil)
    #expect(DiagnosisText.target("https://a.example/x (y)") == "https://a.example/x%20%28y%29")
    #expect(CSV.field("=HYPERLINK(\"x\")").hasPrefix("\"'=HYPERLINK"))
  }
}

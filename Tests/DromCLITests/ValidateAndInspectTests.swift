import Foundation
import Testing

private let examples = try! FileManager.default.contentsOfDirectory(
  atPath: repositoryRoot.appendingPathComponent("docs/examples").path
).filter { $0.hasSuffix(".xml") }.sorted().map { "docs/examples/" + $0 }

private let fixtures = try! FileManager.default.contentsOfDirectory(
  atPath: repositoryRoot.appendingPathComponent("Tests/Fixtures/feeds").path
).filter { $0.hasSuffix(".xml") || $0.hasSuffix(".json") }.sorted().map {
  "Tests/Fixtures/feeds/" + $0
}

/// Feeds shaped after each specification and publishing tool (Tests/Fixtures/feeds/README.md),
/// with the format Drom must read each as and the entries it must keep.
private let feedsFromTheWorld: [(file: String, format: String, entries: Int)] = [
  ("atom-03.atom.xml", "atom-0.3", 3), ("atom-no-namespace.atom.xml", "atom-1.0", 2),
  ("blogger.atom.xml", "atom-1.0", 3), ("drupal-atom-no-ids.atom.xml", "atom-1.0", 3),
  ("drupal.rss.xml", "rss-2.0", 1), ("encoding-declared-latin1-is-utf8.rss.xml", "rss-2.0", 3),
  ("encoding-declared-utf8-is-cp1252.rss.xml", "rss-2.0", 2),
  ("encoding-utf32be-nobom.atom.xml", "atom-1.0", 2),
  ("encoding-utf32le.atom.xml", "atom-1.0", 2), ("ghost.rss.xml", "rss-2.0", 2),
  ("hugo.rss.xml", "rss-2.0", 3), ("jekyll-feed.atom.xml", "atom-1.0", 2),
  ("joomla.rss.xml", "rss-2.0", 2), ("mastodon.rss.xml", "rss-2.0", 3),
  ("netscape-091.rss.xml", "rss-0.9x", 1), ("qualirom.rdf.xml", "rss-1.0", 1),
  ("rfc4287-extensive.atom.xml", "atom-1.0", 2), ("rss-090.rdf.xml", "rss-1.0", 3),
  ("rss-10-modules.rdf.xml", "rss-1.0", 3),
  ("rss-20-harvard-namespace.rss.xml", "rss-2.0", 2),
  ("rss-20-userland-namespace.rss.xml", "rss-2.0", 2),
  ("rss-unexpected-namespace.rss.xml", "rss-2.0", 2),
  ("spec-rss-091-userland.rss.xml", "rss-0.9x", 3), ("spec-rss-092.rss.xml", "rss-0.9x", 3),
  ("spec-rss-094.rss.xml", "rss-0.9x", 2), ("spec-rss-20.rss.xml", "rss-2.0", 3),
  ("wordpress-podcast.rss.xml", "rss-2.0", 2), ("wordpress.rss.xml", "rss-2.0", 2),
  ("youtube-media.atom.xml", "atom-1.0", 2), ("jsonfeed-10.json", "json-feed-1.0", 3),
  ("jsonfeed-11.json", "json-feed-1.1", 3), ("jsonfeed-hugo.json", "json-feed-1.1", 2),
]

@Suite("drom validate and drom inspect, run as the real binary")
struct ValidateAndInspectTests {
  @Test(
    "Every example in docs/examples validates with no error and no warning", arguments: examples)
  func examplesAreValid(_ path: String) throws {
    let run = try drom(["validate", "--now", "2026-11-23", path])
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.hasSuffix(", 0 errors, 0 warnings\n"), "\(run.stdout)")
  }

  @Test(
    "Inspect prints the golden JSON for every example and fixture", arguments: examples + fixtures)
  func inspectGolden(_ path: String) throws {
    let run = try drom(["inspect", "--format", "json", "--now", "2026-11-23", path])
    let name = (path as NSString).lastPathComponent.replacingOccurrences(of: ".xml", with: ".json")
    #expect(
      try matchesGolden(run.stdout, named: "inspect/" + name),
      "re-record with DROM_RECORD_GOLDEN=1 if the change is intended")
  }

  @Test("Validate prints compiler-style lines and a summary, and exits 1 on errors")
  func compilerStyleAndExitStatus() throws {
    let run = try drom([
      "validate", "--now", "2026-11-23", "Tests/Fixtures/feeds/broken-entries.atom.xml",
    ])
    #expect(run.status == 1)
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains {
        $0.hasPrefix("Tests/Fixtures/feeds/broken-entries.atom.xml:6:")
          && $0.contains(": error: entry.empty entry 1 has neither a title nor any text")
      })
    #expect(lines.contains { $0.contains(": error: entry.duplicate-id ") })
    #expect(lines.contains { $0.contains(": warning: entry.bad-date ") })
    #expect(lines.contains { $0.contains(": warning: entry.bad-country ") })
    #expect(lines.contains { $0.contains(": note: entry.html-removed ") })
    #expect(
      lines.last
        == "Tests/Fixtures/feeds/broken-entries.atom.xml: atom-1.0, 1 entry (practice 1; nl 1), 2 errors, 2 warnings"
    )
  }

  @Test(
    "Validate reads every feed shaped after a specification or a publishing tool, refusing none",
    arguments: feedsFromTheWorld)
  func realWorldFeeds(file: String, format: String, entries: Int) throws {
    let path = "Tests/Fixtures/feeds/" + file
    let run = try drom(["validate", "--now", "2026-11-23", path])
    let summary = try #require(run.stdout.split(separator: "\n").last.map(String.init))
    #expect(summary.hasPrefix("\(path): \(format), \(entries) entr"), "\(run.stdout)")
    // Only the Drupal fixture's deliberately empty entry is an error.
    #expect(run.status == (file == "drupal-atom-no-ids.atom.xml" ? 1 : 0), "\(run.stdout)")
  }

  @Test("Every feed fixture is in the table of formats above")
  func everyFixtureListed() {
    #expect(
      Set(fixtures)
        == Set(feedsFromTheWorld.map { "Tests/Fixtures/feeds/" + $0.file }).union([
          "Tests/Fixtures/feeds/broken-entries.atom.xml"
        ]))
  }

  @Test("Validate --format json counts entries by kind and language across feeds")
  func jsonSummary() throws {
    let run = try drom(["validate", "--format", "json", "--now", "2026-11-23"] + examples)
    #expect(run.status == 0)
    let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let feeds = summary["feeds"] as! [[String: Any]]
    #expect(feeds.count == examples.count)
    let kinds = Set(feeds.flatMap { ($0["kinds"] as! [String: Int]).keys })
    #expect(kinds == ["practice", "organisation", "person", "law", "material", "finding", "event"])
    #expect(summary["errors"] as? Int == 0)
    #expect((summary["entries"] as? Int ?? 0) >= 2 * examples.count)
  }

  @Test("A hostile feed on standard input is rejected without printing what it tried to read")
  func hostileStdin() throws {
    let xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss><channel><title>&x;</title></channel></rss>"
    let run = try drom(["validate", "-"], stdin: Data(xxe.utf8))
    #expect(run.status == 1)
    #expect(run.stdout.contains("<stdin>:1:"))
    #expect(run.stdout.contains("error: xml.entity-declaration"))
    #expect(run.stdout.contains("rejected"))
    #expect(!run.stdout.contains("root:"))
  }

  @Test("A missing file is a clear error, not a crash")
  func missingFile() throws {
    let run = try drom(["validate", "no/such/feed.xml"])
    #expect(run.status != 0)
    #expect(run.stderr.contains("cannot read 'no/such/feed.xml'"))
  }
}

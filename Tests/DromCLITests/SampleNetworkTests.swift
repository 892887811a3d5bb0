import Foundation
import Testing

@Suite("The bundled sample network")
struct SampleNetworkTests {
  @Test(
    "harvests with no failure, and a search across partners finds Roma practices in several cities")
  func harvestAndSearch() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-sample-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let index = directory.appendingPathComponent("index.sqlite").path
    let harvest = try drom([
      "harvest", "--registry", "docs/sample-network/registry.opml", "--db", index,
    ])
    #expect(harvest.status == 0, "\(harvest.stdout)\(harvest.stderr)")
    #expect(harvest.stdout.contains(" 0 failed"))
    let again = try drom([
      "harvest", "--registry", "docs/sample-network/registry.opml", "--db", index,
    ])
    #expect(again.stdout.contains("0 added, 0 changed, 0 deleted"))

    let search = try drom([
      "search", "Roma", "--kind", "practice", "--format", "json", "--db", index,
    ])
    let results = try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as! [String: Any]
    let cities = (results["facets"] as! [String: [[String: Any]]])["city"]!.map {
      $0["value"] as! String
    }
    #expect(cities.count >= 3, "\(cities)")
    #expect(
      (results["hits"] as! [[String: Any]]).allSatisfy { $0["kind"] as? String == "practice" })
  }

  @Test("shows one live progress line on a terminal")
  func terminalProgress() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-tty-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // util-linux's script(1) runs the command on a pseudo-terminal, as a person would.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = [
      "-qec",
      "\(dromBinary.path) harvest --registry docs/sample-network/registry.opml --db \(directory.path)/index.sqlite",
      "/dev/null",
    ]
    process.currentDirectoryURL = repositoryRoot
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(
      text.contains(try Regex(#"\r14/14 sources · [1-9][0-9]* entries · 0 errors"#)), "\(text)")
    #expect(!text.contains("updated "), "a terminal gets the live line, not the log")
  }
}

@Suite("The shipped vocabularies")
struct ShippedVocabularyTests {
  @Test(
    "pass drom vocab check: a label in every partner language, no duplicates, no dangling links")
  func check() throws {
    let run = try drom(["vocab", "check"])
    #expect(run.status == 0, "\(run.stdout)")
    #expect(run.stdout.contains(" 0 errors"))
  }

  @Test("show a scheme as a tree in Serbian Cyrillic")
  func show() throws {
    let run = try drom(["vocab", "show", "target-groups", "--lang", "sr-Cyrl"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("Мигранти  (migrants)"))
    #expect(run.stdout.contains("\n    Избеглице  (refugees)"))
  }

  @Test("let a Spanish query find Roma youth employment practices in other languages")
  func crossLanguageSearch() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-x-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let index = directory.appendingPathComponent("index.sqlite").path
    _ = try drom(["harvest", "--registry", "docs/sample-network/registry.opml", "--db", index])
    let run = try drom([
      "search", "empleo jóvenes gitanos", "--format", "json", "--limit", "50", "--db", index,
    ])
    let results = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    let hits = results["hits"] as! [[String: Any]]
    let languages = Set(
      hits.compactMap { ($0["language"] as? String)?.split(separator: "-").first.map(String.init) })
    #expect(languages.isSuperset(of: ["es", "sr"]), "\(languages)")
    #expect(hits.first?["language"] as? String == "es", "direct Spanish matches rank first")
  }
}

import DromStore
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The `drom` binary SwiftPM built beside this test bundle.
private let dromBinary: URL = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<3 {
    let candidate = directory.appendingPathComponent("drom")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory = directory.deletingLastPathComponent()
  }
  return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(".build/debug/drom")
}()

@Suite("A harvest killed mid-run", .serialized)
struct KillTests {
  private let feedCount = 24
  private let entriesPerFeed = 300

  private func writeNetwork(in directory: URL, slowFeed: String?) throws -> URL {
    var outlines = ""
    for number in 1...feedCount {
      let entries = (1...entriesPerFeed).map { entry in
        """
        <entry><id>urn:feed\(number):\(entry)</id><title>Praktijk \(entry) van partner \(number)</title>
        <updated>2026-03-10T09:00:00Z</updated><summary>Begeleiding van Roma naar werk en opleiding, \
        stage \(entry), met coaching en bemiddeling bij werkgevers in Brussel.</summary>
        <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type></entry>
        """
      }.joined(separator: "\n")
      let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dcterms="http://purl.org/dc/terms/" xml:lang="nl">
        <title>Partner \(number)</title><id>urn:feed\(number)</id><updated>2026-03-10T09:00:00Z</updated>
        \(entries)
        </feed>
        """
      try Data(feed.utf8).write(to: directory.appendingPathComponent("feed\(number).xml"))
      outlines += "<outline text=\"Partner \(number)\" xmlUrl=\"feed\(number).xml\"/>\n"
    }
    if let slowFeed {
      outlines += "<outline text=\"Slow\" xmlUrl=\"\(slowFeed)\" drom:allow-private=\"true\"/>\n"
    }
    let registry = directory.appendingPathComponent("registry.opml")
    try Data(
      """
      <opml version="2.0" xmlns:drom="https://w3id.org/drom/ns#"><head><title>k</title></head><body>
      \(outlines)</body></opml>
      """.utf8
    ).write(to: registry)
    return registry
  }

  private func entryCounts(_ database: DromDatabase) throws -> [String: Int] {
    try database.pool.read { db in
      var counts: [String: Int] = [:]
      for row in try Row.fetchAll(
        db,
        sql:
          "SELECT source.title, COUNT(entry.id) AS n FROM source LEFT JOIN entry ON entry.sourceId = source.id GROUP BY source.id"
      ) {
        counts[row["title"]] = row["n"]
      }
      return counts
    }
  }

  @Test("leaves every source either fully written or untouched, and the next harvest completes")
  func killMidHarvest() throws {
    let server = FixtureServer()
    try server.start()
    defer { server.stop() }
    server.route("/slow") { _ in .init(body: Data(), delay: .seconds(120)) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-kill-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let registry = try writeNetwork(in: directory, slowFeed: server.url("/slow"))
    let index = directory.appendingPathComponent("index.sqlite").path

    let process = Process()
    process.executableURL = dromBinary
    process.arguments = [
      "harvest", "--registry", registry.path, "--db", index, "--concurrency", "4",
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Kill it as soon as a few sources are in: others are being parsed and written right then.
    var seen = ""
    let deadline = Date().addingTimeInterval(60)
    while seen.components(separatedBy: "updated ").count - 1 < 3, Date() < deadline {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen += String(decoding: chunk, as: UTF8.self)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)

    let database = try DromDatabase(path: index)
    let integrity = try database.pool.read {
      try String.fetchOne($0, sql: "PRAGMA integrity_check")
    }
    #expect(integrity == "ok")
    // FTS5 checks its index against the entries and throws if they disagree.
    try database.pool.write { db in
      try db.execute(sql: "INSERT INTO entryText(entryText) VALUES('integrity-check')")
    }
    let afterKill = try entryCounts(database)
    for (title, count) in afterKill where title != "Slow" {
      #expect(count == 0 || count == entriesPerFeed, "\(title) holds \(count) entries")
    }
    let complete = afterKill.values.filter { $0 == entriesPerFeed }.count
    #expect(complete >= 3 && complete < feedCount, "complete sources: \(complete)")

    // The next run, without the slow partner, finishes the work.
    let rerun = Process()
    rerun.executableURL = dromBinary
    rerun.arguments = [
      "harvest", "--registry", try writeNetwork(in: directory, slowFeed: nil).path, "--db", index,
    ]
    rerun.standardOutput = FileHandle.nullDevice
    try rerun.run()
    rerun.waitUntilExit()
    #expect(rerun.terminationStatus == 0)
    let final = try entryCounts(database)
    #expect(final.filter { $0.key != "Slow" }.values.allSatisfy { $0 == entriesPerFeed })
  }
}

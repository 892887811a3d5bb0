import Foundation
import Testing

@testable import DromExport

@Suite("The export's manifest")
struct ExportManifestTests {
  @Test("keeps every path, hash and fingerprint, whatever characters a path holds")
  func roundTrip() throws {
    let paths = [
      "sv/city/göteborg/index.html", "el/city/αθηνα/diagnosis.md", "en/theme/50%25/index.html",
      "en/city/tab\there/index.html", "en/city/line\nbreak/index.html", "robots.txt",
    ]
    let sink = MemorySink()
    let writer = try ExportWriter(sink: sink)
    for (number, path) in paths.enumerated() {
      try writer.put(path, "page \(number)", inputs: number.isMultiple(of: 2) ? "in\(number)" : nil)
    }
    _ = try writer.finish()
    let text = String(decoding: try #require(sink.files[ExportWriter.manifestPath]), as: UTF8.self)
    #expect(text.hasPrefix("drom-export 2\n"))
    #expect(text.split(separator: "\n").count == paths.count + 1)
    let manifest = try #require(ExportWriter.Manifest(Data(text.utf8)))
    #expect(Set(manifest.files.keys) == Set(paths))
    #expect(
      manifest.inputs == [
        "sv/city/göteborg/index.html": "in0", "en/theme/50%25/index.html": "in2",
        "en/city/line\nbreak/index.html": "in4",
      ])

    // The next export keeps what the fingerprints say it may, and writes nothing unchanged.
    let again = try ExportWriter(sink: sink)
    #expect(again.reuse(paths[0], inputs: "in0"))
    #expect(!again.reuse(paths[2], inputs: "other"))
    for (number, path) in paths.enumerated() where number != 0 {
      try again.put(path, "page \(number)")
    }
    let summary = try again.finish()
    #expect(summary.written == 0 && summary.unchanged == paths.count && summary.removed == 0)
  }

  @Test("reads an older export's JSON manifest once, then replaces it")
  func legacyManifest() throws {
    let sink = MemorySink()
    try sink.write("en/about/index.html", Data("about".utf8))
    try sink.write("en/old/index.html", Data("old".utf8))
    let hash = "a4b1a9a8d38d0d3bd2e6e1d1f27cd1ebf4b1a82ea5adf0e3bd7b08ec1b04c2e4"
    try sink.write(
      ".drom-export.json",
      Data(
        #"{"files":{"en/about/index.html":"\#(hash)","en/old/index.html":"x"},"inputs":{"en/about/index.html":"v1"}}"#
          .utf8))
    let writer = try ExportWriter(sink: sink)
    #expect(writer.reuse("en/about/index.html", inputs: "v1"))
    let summary = try writer.finish()
    #expect(summary.removed == 1)
    #expect(sink.files["en/old/index.html"] == nil)
    #expect(sink.files[".drom-export.json"] == nil)
    #expect(sink.files[ExportWriter.manifestPath] != nil)
  }
}

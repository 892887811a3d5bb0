import DromFeeds
import DromImport
import Foundation
import ZIPFoundation

/// A partner's sheet through `drom import` with Projekt Gränsgångare's profile
/// (`Importers/profiles/practices.yaml`) and the vocabularies, from a file as the command reads
/// it. A feed is made exactly when no row has an error, and the feed made is one the harvester
/// reads back whole: not rejected, no errors, the same entries.
enum SheetHarness {
  static func run(
    _ target: FuzzTarget, _ input: Data, importer: Importer, workDirectory: URL
  ) throws {
    let file: URL
    switch target {
    case .csv:
      file = workDirectory.appendingPathComponent("sheet.csv")
      try input.write(to: file)
    default:
      file = workDirectory.appendingPathComponent("sheet.xlsx")
      if target == .xlsxParts {
        // Parts a ZIP cannot hold (a name too long, say) are not a workbook to test.
        guard let workbook = try? XLSXParts.workbook(fromParts: input) else { return }
        try workbook.write(to: file)
      } else {
        try input.write(to: file)
      }
    }
    let result = importer.run(files: [file.path])
    guard result.made == result.errors.isEmpty, result.made == (result.feed != nil) else {
      throw FuzzFinding(
        target, "a feed is made exactly when no row has an error",
        "made: \(result.made), feed: \(result.feed != nil), errors: \(result.errors)")
    }
    guard let feed = result.feed else { return }
    let read = FeedReader.read(
      Data(feed.utf8), file: "imported.xml", options: FeedReadOptions(now: FuzzHarness.now))
    let errors = read.diagnostics.filter { $0.severity == .error }
    guard !read.isRejected, errors.isEmpty else {
      throw FuzzFinding(
        target, "an imported feed reads back without errors",
        errors.map(\.compilerStyle).joined(separator: "; "))
    }
    guard read.feed.entries.map(\.id) == result.entries.map(\.id) else {
      throw FuzzFinding(
        target, "an imported feed reads back with the same entries",
        "imported \(result.entries.map(\.id)), read back \(read.feed.entries.map(\.id))")
    }
  }
}

/// The parts of an XLSX workbook as one input: `name NUL content NUL name NUL content …`.
/// XML holds no NUL, so the fuzzer's mutations of a part stay in that part.
public enum XLSXParts {
  /// A workbook's XML parts (`.xml` and `.rels`), in the archive's order: a seed.
  public static func parts(ofWorkbook path: URL) throws -> Data {
    // From the file: ZIPFoundation's in-memory archive leaks its buffer when it is not a ZIP.
    let archive = try Archive(url: path, accessMode: .read)
    var parts = Data()
    for entry in archive
    where entry.type == .file && (entry.path.hasSuffix(".xml") || entry.path.hasSuffix(".rels")) {
      var content = Data()
      _ = try archive.extract(entry, skipCRC32: true) { content.append($0) }
      parts.append(contentsOf: Array(entry.path.utf8) + [0])
      parts.append(content)
      parts.append(0)
    }
    return parts
  }

  /// A ZIP of the parts, stored (not deflated), in the input's order; parts without a name
  /// are left out.
  static func workbook(fromParts data: Data) throws -> Data {
    let fields = data.split(separator: 0, omittingEmptySubsequences: false)
    let archive = try Archive(accessMode: .create)
    for index in stride(from: 0, to: fields.count, by: 2) {
      let name = String(decoding: fields[index], as: UTF8.self)
      guard !name.isEmpty else { continue }
      let content = index + 1 < fields.count ? Data(fields[index + 1]) : Data()
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(content.count),
        compressionMethod: .none
      ) { position, size in
        content.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    guard let zip = archive.data else { throw CocoaError(.fileWriteUnknown) }
    return zip
  }
}

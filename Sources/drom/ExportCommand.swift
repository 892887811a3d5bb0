import ArgumentParser
import Crypto
import DromExport
import DromSite
import DromStore
import Foundation

struct Export: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Export the directory as files: the whole site for any static host, a city's local diagnosis, a study-visit plan.",
    subcommands: [ExportSite.self, ExportDiagnosis.self, ExportVisit.self])
}

struct ExportSite: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "site",
    abstract: "Write the whole directory as a static site (every page, every language).",
    discussion: """
      The same index gives the same bytes. A second export into the same folder rewrites only \
      the files whose content changed and removes the pages of deleted entries. --check writes \
      nothing and exits 1 if the folder differs from what the index gives now.
      """)

  @OptionGroup var database: DatabaseOption
  @OptionGroup var vocabulary: VocabularyOption
  @Option(help: ArgumentHelp("The folder to write the site into.", valueName: "dir"))
  var out: String
  @OptionGroup var pages: SiteOptions
  @Option(
    name: .customLong("base-url"),
    help: ArgumentHelp(
      "The address the site will be served from, for sitemap.xml (none without it).",
      valueName: "url"))
  var baseURL: String?
  @Option(
    help: ArgumentHelp(
      "The Pagefind command that indexes the export for search in the browser; '' for none.",
      valueName: "command"))
  var pagefind: String = "pagefind"
  @Flag(help: "Verify an existing export instead of writing one.")
  var check = false

  func run() async throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError(
        "there is no index at '\(database.db)': run drom harvest first, or give --db")
    }
    let started = ContinuousClock.now
    let exporter = StaticSite(
      database: try database.open(), site: try await Site.load(directory: pages.site),
      vocabulary: try vocabulary.load(), documents: Documents.load(directory: pages.documents),
      baseURL: baseURL,
      rendererFingerprint: try RendererFingerprint.of(
        folders: [pages.site, vocabulary.vocabularies],
        files: Documents.published.map { "\(pages.documents)/\($0).md" }))
    let writer = try ExportWriter(
      sink: try DiskSink(root: URL(fileURLWithPath: out)), mode: check ? .check : .write)
    let interactive = isatty(STDOUT_FILENO) == 1
    // Pages are counted from several threads, by a language's worth at a time: show each
    // time another 500 are done.
    var shown = -1
    try exporter.export(to: writer) { done, total in
      if interactive, done == total || done / 500 != shown {
        shown = done / 500
        FileHandle.standardOutput.write(Data("\r\(done)/\(total) pages".utf8))
      }
    }
    let summary = try writer.finish()
    if interactive { print("") }
    let seconds =
      Double((ContinuousClock.now - started).components.attoseconds) / 1e18
      + Double((ContinuousClock.now - started).components.seconds)
    if check {
      for problem in summary.problems { print("\(out)/\(problem)") }
      print(
        "\(out): \(summary.unchanged) files as the index gives them, \(summary.problems.count) problems"
      )
      if !summary.problems.isEmpty { throw ExitCode(1) }
      return
    }
    print(
      "\(out): \(summary.written) files written (\(summary.bytes) bytes), \(summary.unchanged) unchanged, \(summary.removed) removed; \(summary.rendered) made anew; \(String(format: "%.1f", seconds)) s"
    )
    try buildSearchIndex()
  }

  /// Runs Pagefind over the written pages: one index per language, under `pagefind/`.
  private func buildSearchIndex() throws {
    let command = pagefind.split(separator: " ").map(String.init)
    guard !command.isEmpty else { return }
    // Made anew: Pagefind leaves the fragments of an earlier index beside the new one, and an
    // erased person's text must not stay in them.
    let index = URL(fileURLWithPath: out).appendingPathComponent("pagefind")
    if FileManager.default.fileExists(atPath: index.path) {
      try FileManager.default.removeItem(at: index)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = command + ["--site", out, "--quiet"]
    try process.run()
    process.waitUntilExit()
    switch process.terminationStatus {
    case 0:
      print("\(out)/pagefind: the search index, one per language")
    case 127:
      printError(
        "note: '\(command[0])' was not found, so the export has no search index; its search pages list every entry. Install Pagefind (pip install pagefind-bin, then --pagefind 'python3 -m pagefind_bin') or give --pagefind ''"
      )
    default:
      throw ValidationError(
        "Pagefind failed (exit status \(process.terminationStatus)) on \(out): the pages are written, the search index is not"
      )
    }
  }
}

/// What the pages are made with besides the index: the site's templates, strings and assets,
/// the vocabularies, the published documents, and this very binary (its size and time, so a
/// new Drom makes every page again).
enum RendererFingerprint {
  static func of(folders: [String], files: [String]) throws -> String {
    var hasher = SHA256()
    let manager = FileManager.default
    var paths = files
    for folder in folders {
      let enumerator = manager.enumerator(atPath: folder)
      while let file = enumerator?.nextObject() as? String { paths.append("\(folder)/\(file)") }
    }
    for path in paths.sorted() {
      hasher.update(data: Data(path.utf8))
      if let data = manager.contents(atPath: path) { hasher.update(data: data) }
    }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let binary = (try? manager.attributesOfItem(atPath: executable)) ?? [:]
    hasher.update(data: Data("\(binary[.size] ?? 0) \(binary[.modificationDate] ?? 0)".utf8))
    return Hex.lowercase(hasher.finalize())
  }
}

import ArgumentParser
import DromFeeds
import DromImport
import DromModel
import Foundation

struct Import: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Turn spreadsheets (CSV, XLSX, ODS) or address books (vCard) into a feed.",
    discussion: """
      A mapping profile (YAML; see docs/importers.md and Importers/profiles/) says which column \
      holds what. The feed lists every entry (fh:complete), so importing an edited sheet again \
      updates, adds and deletes exactly what changed. Any row with an error stops the import: \
      nothing is written, and every problem is printed with its file, sheet, row and column. \
      With --out naming the last feed, entries that did not change keep their dates.
      """)

  @Option(help: ArgumentHelp("The mapping profile (YAML).", valueName: "file"))
  var profile: String
  @Argument(help: ArgumentHelp("The sheets or address books to import.", valueName: "file"))
  var files: [String]
  @Option(
    help: ArgumentHelp("Where to write the feed (standard output without it).", valueName: "file"))
  var out: String?
  @Flag(
    name: .customLong("dry-run"),
    help: "Show what would be published and every problem; write nothing.")
  var dryRun = false
  @Option(
    help: ArgumentHelp("Check consent as of this day instead of today.", valueName: "yyyy-mm-dd"))
  var now: String?
  @OptionGroup var vocabulary: VocabularyOption

  func run() async throws {
    let profile: ImportProfile
    do {
      profile = try ImportProfile.load(path: self.profile)
    } catch let problem as ImportProfile.Problem {
      throw ValidationError(problem.description)
    }
    let today = try now.map { try day($0, option: "--now") } ?? Date()
    let importer = Importer(
      profile: profile, vocabulary: try vocabulary.load(required: true), now: today,
      previousFeedPath: out)
    // To a file: entry by entry, then checked, then moved into place. Else in memory.
    let file = dryRun ? nil : try out.map { try FileFeedOutput(path: $0) }
    let memory = MemoryFeedOutput()
    let result = importer.run(
      files: files, into: file ?? memory, keepEntries: dryRun)
    for problem in result.problems { printError(problem.description) }
    let errors = result.errors.count
    let warnings = result.problems.count - errors
    let translations = result.entries.filter { $0.translationOf != nil }.count
    func count(_ number: Int, _ one: String, _ many: String) -> String {
      "\(number) \(number == 1 ? one : many)"
    }
    let summary =
      "\(files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")): "
      + "\(count(result.rowsRead, "row", "rows")) read, "
      + (result.made
        ? "\(count(result.entryCount, "entry", "entries"))"
          + (dryRun ? " (\(count(translations, "translation", "translations")))" : "") + ", "
        : "")
      + "\(count(result.rowsLeftOut, "row", "rows")) left out; "
      + "\(count(errors, "error", "errors")), \(count(warnings, "warning", "warnings"))"
    guard result.made else {
      printError(summary)
      printError(
        "no feed written: fix the errors above and import again (a complete feed without those rows would delete their entries from the directory)"
      )
      throw ExitCode(1)
    }
    // The same reader as drom validate and the harvest: what is written must read cleanly.
    let options = FeedReadOptions(limits: ParserLimits(maxDocumentBytes: 1 << 30), now: today)
    let check =
      try file.map {
        try FeedReader.stream(path: $0.temporary.path, file: out, options: options) { _ in }
      }
      ?? FeedReader.read(Data((memory.feed ?? "").utf8), file: out ?? "feed.xml", options: options)
    let invalid = check.diagnostics.filter { $0.severity == .error }
    if !invalid.isEmpty || check.isRejected {
      file?.discard()
      for diagnostic in invalid { printError(diagnostic.compilerStyle) }
      printError(
        "\(summary)\nno feed written: the feed made from these rows does not read cleanly (above)")
      throw ExitCode(1)
    }
    if dryRun {
      for entry in result.entries {
        print("\(entry.kind.rawValue)\t\(entry.language?.value ?? "")\t\(entry.id)\t\(entry.title)")
      }
      printError(summary + "; dry run: nothing written")
    } else if let file, let out {
      try file.commit()
      printError(summary + "; written to \(out)")
    } else {
      FileHandle.standardOutput.write(Data((memory.feed ?? "").utf8))
      printError(summary)
    }
  }
}

import ArgumentParser
import DromFeeds
import DromModel
import Foundation

struct Validate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check partner feeds against the Drom feed profile.",
    discussion: """
      Prints each problem like a compiler (file:line:col: severity: CODE message), then a \
      summary per feed. Exits with status 1 when any feed has an error. Codes are explained \
      in docs/diagnostics.md.
      """)

  @Argument(
    help: ArgumentHelp(
      "Feed files or http(s) URLs; '-' reads standard input.", valueName: "file|url"))
  var inputs: [String]

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup var reading: FeedReadingOptions

  func run() async throws {
    var reports: [FeedReport] = []
    for input in inputs {
      var report = FeedReport(file: input)
      let result = try await FeedInput.read(input, options: try reading.readOptions()) { entry in
        report.count(entry)
      }
      report.finish(with: result)
      reports.append(report)
      if format == .text { report.printText() }
    }
    let summary = ValidationSummary(feeds: reports)
    switch format {
    case .json: try JSONOutput.print(summary)
    case .text:
      if reports.count > 1 {
        print(
          "\(reports.count) feeds: \(summary.entries) entries, \(summary.errors) errors, \(summary.warnings) warnings"
        )
      }
    }
    if summary.errors > 0 { throw ExitCode(1) }
  }
}

/// What `drom validate` says of one feed.
struct FeedReport: Encodable {
  var file: String
  var format: String?
  var title: String?
  var entries = 0
  var kinds: [String: Int] = [:]
  var languages: [String: Int] = [:]
  var deletedEntries = 0
  var complete = false
  var rejected = false
  var errors = 0
  var warnings = 0
  var notes = 0
  var diagnostics: [Diagnostic] = []

  init(file: String) {
    self.file = file
  }

  mutating func count(_ entry: Entry) {
    entries += 1
    kinds[entry.kind.rawValue, default: 0] += 1
    languages[entry.language?.value ?? "unknown", default: 0] += 1
  }

  mutating func finish(with result: FeedReadResult) {
    rejected = result.isRejected
    format = rejected ? nil : result.feed.format.rawValue
    title = result.feed.title
    deletedEntries = result.feed.deletedEntries.count
    complete = result.feed.isComplete
    diagnostics = result.diagnostics
    errors = result.diagnostics.errorCount
    warnings = result.diagnostics.warningCount
    notes = result.diagnostics.count - errors - warnings
  }

  func printText() {
    for diagnostic in diagnostics { print(diagnostic.compilerStyle) }
    if rejected {
      print(
        "\(file): rejected, \(errors) \(plural(errors, "error")): nothing from this feed would be harvested"
      )
      return
    }
    let byKind = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
      separator: ", ")
    let byLanguage = languages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
      separator: ", ")
    var line = "\(file): \(format ?? "feed"), \(entries) \(plural(entries, "entry", "entries"))"
    if !byKind.isEmpty { line += " (\(byKind); \(byLanguage))" }
    if deletedEntries > 0 { line += ", \(deletedEntries) deleted" }
    line += ", \(errors) \(plural(errors, "error")), \(warnings) \(plural(warnings, "warning"))"
    print(line)
  }

  private func plural(_ count: Int, _ one: String, _ many: String? = nil) -> String {
    count == 1 ? one : (many ?? one + "s")
  }
}

struct ValidationSummary: Encodable {
  var feeds: [FeedReport]
  var entries: Int { feeds.reduce(0) { $0 + $1.entries } }
  var errors: Int { feeds.reduce(0) { $0 + $1.errors } }
  var warnings: Int { feeds.reduce(0) { $0 + $1.warnings } }

  enum CodingKeys: String, CodingKey { case feeds, entries, errors, warnings }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(feeds, forKey: .feeds)
    try container.encode(entries, forKey: .entries)
    try container.encode(errors, forKey: .errors)
    try container.encode(warnings, forKey: .warnings)
  }
}

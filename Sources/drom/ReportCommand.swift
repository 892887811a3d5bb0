import ArgumentParser
import DromStore
import Foundation

struct Report: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show each source's last harvests and what was wrong with its feed.")

  @Option(help: "Only the source with this registry address.")
  var source: String?
  @Option(help: "How many harvests per source.")
  var last: Int = 3
  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text
  @OptionGroup var database: DatabaseOption

  func run() async throws {
    let history = try database.open().harvestHistory(sourceKey: source, perSource: max(1, last))
    if format == .json {
      try JSONOutput.print(history)
      return
    }
    var current: String?
    let formatter = ISO8601DateFormatter()
    for record in history {
      if record.sourceKey != current {
        current = record.sourceKey
        print("\n\(record.sourceTitle)  <\(record.sourceKey)>")
      }
      let counts = record.counts
      print(
        "  \(formatter.string(from: record.startedAt))  \(record.outcome.rawValue)\(record.httpStatus.map { " HTTP \($0)" } ?? "")  \(record.bytes) bytes  +\(counts.added) ~\(counts.changed) -\(counts.deleted) =\(counts.unchanged)\(record.message.map { "  \($0)" } ?? "")"
      )
      // Notes are small repairs, except unmapped categories, which partners should see.
      for diagnostic in record.diagnostics
      where diagnostic.severity != .note || diagnostic.code == "category.unmapped" {
        print("    \(diagnostic.compilerStyle)")
      }
    }
  }
}

struct Sources: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the registered sources with their health.")

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text
  @OptionGroup var database: DatabaseOption

  func run() async throws {
    let index = try database.open()
    let sources = try index.sources()
    let counts = try index.entryCounts()
    let formatter = ISO8601DateFormatter()
    if format == .json {
      try JSONOutput.print(sources.map { SourceHealth(state: $0, entries: counts[$0.id] ?? 0) })
      return
    }
    for state in sources {
      let health = SourceHealth(state: state, entries: counts[state.id] ?? 0)
      print(
        "\(health.status.padding(toLength: 8, withPad: " ", startingAt: 0)) \(state.description.title) (\([state.description.city, state.description.country].compactMap { $0 }.joined(separator: ", "))): \(health.entries) entries, last success \(state.lastSuccessAt.map { formatter.string(from: $0) } ?? "never")\(state.failures > 0 ? ", \(state.failures) failures in a row" : "")"
      )
    }
  }
}

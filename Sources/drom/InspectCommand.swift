import ArgumentParser
import DromFeeds
import DromModel
import Foundation

struct Inspect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the entries of a feed as Drom understood them.",
    discussion: "JSON output has sorted keys and ISO 8601 dates, so it diffs well.")

  @Argument(
    help: ArgumentHelp(
      "A feed file or http(s) URL; '-' reads standard input.", valueName: "file|url"))
  var input: String

  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text

  @OptionGroup var reading: FeedReadingOptions

  func run() async throws {
    var entries: [Entry] = []
    var result = try await FeedInput.read(input, options: try reading.readOptions()) {
      entries.append($0)
    }
    result.feed.entries = entries
    switch format {
    case .json:
      try JSONOutput.print(InspectOutput(feed: result.feed, diagnostics: result.diagnostics))
    case .text:
      printText(result)
    }
    if result.isRejected { throw ExitCode(1) }
  }

  private func printText(_ result: FeedReadResult) {
    let feed = result.feed
    print(
      "\(feed.title ?? "(untitled feed)") — \(feed.format.rawValue), \(feed.entries.count) entries\(feed.isComplete ? ", complete" : "")"
    )
    let about: [(String, String?)] = [
      ("subtitle", feed.subtitle), ("authors", names(feed.authors)),
      ("contributors", names(feed.contributors)), ("rights", feed.rights),
      ("generator", feed.generator), ("icon", feed.icon), ("logo", feed.logo),
      (
        "categories",
        feed.categories.isEmpty
          ? nil : feed.categories.map { $0.label ?? $0.term }.joined(separator: ", ")
      ),
    ]
    for case (let name, let value?) in about { print("  \(name): \(shortened(value))") }
    for entry in feed.entries {
      print("")
      print(
        "[\(entry.kind.rawValue)] \(entry.title)\(entry.titleIsDerived ? " (title derived from the text)" : "")\(entry.language.map { "  (\($0))" } ?? "")"
      )
      print("  id: \(entry.id)\(entry.idIsDerived ? " (derived)" : "")")
      if let date = entry.updated ?? entry.published {
        print("  date: \(date.formatted(.iso8601))\(entry.dateIsFromFeed ? " (the feed's)" : "")")
      }
      if let link = entry.canonicalLink { print("  link: \(link)") }
      if let authors = names(entry.authors) { print("  authors: \(authors)") }
      if let image = entry.image { print("  image: \(image)") }
      for enclosure in entry.links where enclosure.rel == "enclosure" {
        print("  enclosure: \(enclosure.href)\(enclosure.type.map { " (\($0))" } ?? "")")
      }
      let places = entry.places.map {
        [$0.name, $0.country].compactMap { $0 }.joined(separator: ", ")
      }
      if !places.isEmpty { print("  places: \(places.joined(separator: "; "))") }
      if !entry.categories.isEmpty {
        print(
          "  categories: \(entry.categories.map { $0.label ?? $0.term }.joined(separator: ", "))")
      }
      if let summary = entry.summary ?? entry.content?.text { print("  " + shortened(summary)) }
    }
    for deleted in feed.deletedEntries { print("\ndeleted: \(deleted.ref)") }
    if !result.diagnostics.isEmpty { print("") }
    for diagnostic in result.diagnostics { print(diagnostic.compilerStyle) }
  }
}

private func names(_ people: [Author]) -> String? {
  people.isEmpty ? nil : people.map(\.name).joined(separator: ", ")
}

private func shortened(_ text: String) -> String {
  text.count > 160 ? String(text.prefix(157)) + "…" : text
}

struct InspectOutput: Encodable {
  var feed: FeedDocument
  var diagnostics: [Diagnostic]
}

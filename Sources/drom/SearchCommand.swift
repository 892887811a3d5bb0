import ArgumentParser
import DromStore
import Foundation

struct Search: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Search the index: ranked results with highlighted snippets and facet counts.")

  @Argument(help: "Words to find (every word must match); empty lists the newest entries.")
  var query: String = ""

  @Option(
    help:
      "Only this kind (practice, organisation, person, law, material, finding, event); repeatable.")
  var kind: [String] = []
  @Option(help: "Only this country (ISO 3166 code, e.g. BE); repeatable.")
  var country: [String] = []
  @Option(help: "Only this city; repeatable.")
  var city: [String] = []
  @Option(help: "Only this theme (vocabulary term, e.g. employment); repeatable.")
  var theme: [String] = []
  @Option(help: "Only entries in this language (e.g. sv); repeatable.")
  var lang: [String] = []
  @Option(help: "How many results to show.")
  var limit: Int = 10
  @Flag(help: "Pass the query to SQLite FTS5 as it is (phrases, NEAR, prefix*).")
  var raw = false
  @Option(
    help: ArgumentHelp(
      "The reader's language (BCP 47): query words are stemmed in it first.", valueName: "tag"))
  var readerLanguage: String?
  @Option(help: "Output format: text or json.")
  var format: OutputFormat = .text
  @OptionGroup var database: DatabaseOption
  @OptionGroup var vocabulary: VocabularyOption

  func run() async throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError(
        "there is no index at '\(database.db)': run drom harvest first, or give --db")
    }
    let index = try database.open()
    var request = SearchQuery(
      text: query,
      filters: [
        .kind: kind, .country: country.map { $0.uppercased() }, .city: city, .theme: theme,
        .language: lang,
      ],
      limit: max(1, limit), rawSyntax: raw)
    request.readerLanguage = readerLanguage
    let results: SearchResults
    do { results = try await index.search(request, vocabulary: try vocabulary.load()) } catch let
      error
      as SearchError
    {
      throw ValidationError("\(error)")
    }
    if format == .json {
      try JSONOutput.print(results)
      return
    }
    print("\(results.total) \(results.total == 1 ? "result" : "results")")
    for hit in results.hits {
      print("")
      print(
        "[\(hit.kind)] \(hit.title)\(hit.language.map { "  (\($0))" } ?? "") — \(hit.sourceTitle)")
      if !hit.snippet.isEmpty { print("  \(hit.snippet)") }
      if let link = hit.link { print("  \(link)") }
      if !hit.alsoPublishedBy.isEmpty {
        print("  also published by " + hit.alsoPublishedBy.joined(separator: ", "))
      }
    }
    if !results.facets.isEmpty { print("") }
    for (facet, counts) in results.facets.sorted(by: { $0.key < $1.key }) {
      print(
        "\(facet): " + counts.prefix(8).map { "\($0.value) (\($0.count))" }.joined(separator: ", "))
    }
  }
}

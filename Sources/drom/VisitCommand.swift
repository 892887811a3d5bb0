import ArgumentParser
import DromReports
import DromSite
import DromStore
import Foundation

struct ExportVisit: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "visit",
    abstract: "Write a study-visit plan for chosen entries: grouped by city, in a suggested order.",
    discussion: """
      Give entries by their page address (the part after /entry/ in the directory) or the id \
      their feed gives them. html is print-ready; csv for spreadsheets; ics is an iCalendar \
      file (RFC 5545) with one draft all-day event per visit, one city a day from --start.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case html, csv, ics
  }

  @OptionGroup var database: DatabaseOption
  @OptionGroup var vocabulary: VocabularyOption
  @OptionGroup var pages: SiteOptions
  @Option(
    name: .customLong("entry"), parsing: .upToNextOption,
    help: ArgumentHelp("The entries to visit.", valueName: "id"))
  var entries: [String]
  @Option(
    name: .customLong("lang"), help: ArgumentHelp("The interface language.", valueName: "tag"))
  var language: String = "en"
  @Option(help: "html, csv or ics.")
  var format: Format = .html
  @Option(
    help: ArgumentHelp("The first day (default: the Monday after today).", valueName: "yyyy-mm-dd"))
  var start: String?
  @Option(help: ArgumentHelp("The file to write (standard output without it).", valueName: "file"))
  var out: String?
  @Option(
    name: .customLong("base-url"),
    help: ArgumentHelp(
      "The directory's public address, so the plan links to its entry pages (else to the partners' own pages).",
      valueName: "url"))
  var baseURL: String?

  func run() async throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError(
        "there is no index at '\(database.db)': run drom harvest first, or give --db")
    }
    let site = try await Site.load(directory: pages.site)
    guard site.languages.contains(language) else {
      throw ValidationError(
        "there is no interface language '\(language)'; the site has \(site.languages.joined(separator: ", "))"
      )
    }
    let now = Date()
    let first =
      try start.map { try day($0, option: "--start") } ?? VisitPlan.defaultStart(after: now)
    let plan = try DiagnosisBuilder(
      database: try database.open(), vocabulary: try vocabulary.load()
    )
    .visitPlan(entries: entries, language: language, start: first, now: now)
    if !plan.missing.isEmpty {
      printError(
        "warning: not in the index (withdrawn, or a mistyped id): \(plan.missing.joined(separator: ", "))"
      )
    }
    guard !plan.stops.isEmpty else {
      throw ValidationError(
        "none of the entries given is in the index: give their page addresses (drom search prints them) or feed ids"
      )
    }
    let writer = VisitPlanText(site: site, baseURL: baseURL)
    let text: String
    switch format {
    case .html:
      text = try site.render(
        writer.content(plan), language: language, path: "/visit", exported: true,
        standalone: true)
    case .csv: text = writer.csv(plan)
    case .ics: text = writer.iCalendar(plan)
    }
    if let out {
      try Data(text.utf8).write(to: URL(fileURLWithPath: out))
      printError(
        "\(out): a visit of \(plan.stops.count) cities, \(plan.stops.map(\.visits.count).reduce(0, +)) visits, \(format.rawValue)"
      )
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}

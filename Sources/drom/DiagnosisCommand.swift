import ArgumentParser
import DromReports
import DromSite
import DromStore
import Foundation

struct ExportDiagnosis: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diagnosis",
    abstract: "Write a city's local diagnosis: findings, practices, legal frame and gaps.",
    discussion: """
      For round-table facilitators. html is print-ready (A4, no script, its stylesheet inside); \
      pdf prints that through headless chromium; md and csv are for editing further; json for \
      other tools. Without --out the document goes to standard output (pdf needs --out).
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case html, pdf, md, csv, json
  }

  @OptionGroup var database: DatabaseOption
  @OptionGroup var vocabulary: VocabularyOption
  @OptionGroup var pages: SiteOptions
  @Option(
    help: ArgumentHelp(
      "The city: its name in any script or case, or its LAU code.", valueName: "name|lau"))
  var city: String
  @Option(
    name: .customLong("lang"),
    help: ArgumentHelp(
      "The interface language (default: the language most of the city's entries are in, when the site has it; else English).",
      valueName: "tag"))
  var language: String?
  @Option(help: "html, pdf, md, csv or json.")
  var format: Format = .html
  @Option(help: ArgumentHelp("The file to write (standard output without it).", valueName: "file"))
  var out: String?
  @Option(
    name: .customLong("base-url"),
    help: ArgumentHelp(
      "The directory's public address, so the document links to its entry pages (else to the partners' own pages).",
      valueName: "url"))
  var baseURL: String?
  @Option(
    help: ArgumentHelp(
      "The date the document is made on (default: today).", valueName: "yyyy-mm-dd"))
  var now: String?

  func validate() throws {
    if format == .pdf && out == nil {
      throw ValidationError("--format pdf needs --out FILE: a PDF does not go to a terminal")
    }
  }

  func run() async throws {
    guard FileManager.default.fileExists(atPath: database.db) else {
      throw ValidationError(
        "there is no index at '\(database.db)': run drom harvest first, or give --db")
    }
    let site = try await Site.load(directory: pages.site)
    let builder = DiagnosisBuilder(database: try database.open(), vocabulary: try vocabulary.load())
    let date = try now.map { try day($0, option: "--now") } ?? Date()
    let language: String
    if let chosen = self.language {
      guard site.languages.contains(chosen) else {
        throw ValidationError(
          "there is no interface language '\(chosen)'; the site has \(site.languages.joined(separator: ", "))"
        )
      }
      language = chosen
    } else {
      language = try builder.usualLanguage(city: city, among: site.languages) ?? "en"
    }
    let diagnosis: Diagnosis
    do {
      diagnosis = try builder.build(city: city, language: language, now: date)
    } catch let problem as DiagnosisBuilder.Problem {
      throw ValidationError(problem.description)
    }
    let text = DiagnosisText(strings: site.strings(language), baseURL: baseURL)
    let page = DiagnosisPage(site: site)
    let bytes: Data
    switch format {
    case .html: bytes = Data(try page.html(diagnosis, standalone: true, baseURL: baseURL).utf8)
    case .md: bytes = Data(text.markdown(diagnosis).utf8)
    case .csv: bytes = Data(text.csv(diagnosis).utf8)
    case .json: bytes = try DiagnosisText.json(diagnosis)
    case .pdf:
      let output = URL(fileURLWithPath: out!)
      do {
        try PDFPrinter.print(
          html: try page.html(diagnosis, standalone: true, baseURL: baseURL), to: output)
      } catch let problem as PDFPrinter.Problem {
        throw ValidationError(problem.description)
      }
      printError("\(out!): the local diagnosis of \(diagnosis.city.name) (\(language)), PDF")
      return
    }
    if let out {
      try bytes.write(to: URL(fileURLWithPath: out))
      printError(
        "\(out): the local diagnosis of \(diagnosis.city.name) (\(language)), \(format.rawValue), \(bytes.count) bytes"
      )
    } else {
      FileHandle.standardOutput.write(bytes)
    }
  }
}

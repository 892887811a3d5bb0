import ArgumentParser
import DromImport
import DromSite
import Foundation

struct InitPartner: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init-partner",
    abstract: "Make a ready folder for a new partner: profile, template sheets, instructions.",
    discussion: """
      The folder holds a mapping profile for the partner, a template workbook (.xlsx, with an \
      instructions sheet in the partner's language) and the same columns as CSV, and README.txt \
      with the commands that publish the sheet as a feed. See docs/publishing.md.
      """)

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case practices, contacts, laws, findings
  }

  @Option(help: ArgumentHelp("The partner's name, as the directory shows it.", valueName: "name"))
  var name: String
  @Option(
    name: .customLong("lang"),
    help: ArgumentHelp(
      "The language the partner writes in (BCP 47: sv, fr, sr-Latn…).", valueName: "tag"))
  var language: String
  @Option(help: ArgumentHelp("The partner's city, as it names it.", valueName: "name"))
  var city: String
  @Option(help: ArgumentHelp("The country's two-letter code (SE, BE, RS…).", valueName: "code"))
  var country: String
  @Option(
    help: ArgumentHelp(
      "The partner's website, whose address makes the feed's id.", valueName: "url"))
  var site: String?
  @Option(help: "What the sheet lists: practices, contacts, laws or findings.")
  var kind: Kind = .practices
  @Option(help: ArgumentHelp("The folder to create.", valueName: "dir"))
  var out: String
  @Option(help: ArgumentHelp("The column names and instructions per language.", valueName: "file"))
  var templates: String = "Importers/templates.json"

  static let fields: [Kind: [String]] = [
    .practices: [
      "id", "title", "summary", "content", "link", "themes", "target-groups", "city", "start",
      "end",
      "updated", "contact.organisation", "contact.name", "contact.role", "contact.email",
      "contact.phone", "contact.languages", "contact.consent", "contact.consent-expires",
    ],
    .contacts: [
      "id", "contact.name", "contact.organisation", "contact.role", "contact.email",
      "contact.phone", "contact.languages", "city", "summary", "contact.consent",
      "contact.consent-expires",
    ],
    .laws: [
      "id", "title", "summary", "link", "jurisdiction", "eli", "identifier", "city", "nuts",
      "updated",
    ],
    .findings: [
      "id", "title", "summary", "domains", "grounds", "target-groups", "evidence", "part-of",
      "city",
      "updated",
    ],
  ]

  static let kinds: [Kind: String] = [
    .practices: "practice", .contacts: "person", .laws: "law", .findings: "finding",
  ]

  struct Texts: Decodable {
    var headers: [String: String]
    var sheet: String
    var instructionsSheet: String
    var instructions: [String]
  }

  func run() async throws {
    guard country.count == 2, country.allSatisfy(\.isLetter) else {
      throw ValidationError("--country wants the two-letter code (SE, BE, RS), not '\(country)'")
    }
    let all: [String: Texts]
    do {
      all = try JSONDecoder().decode(
        [String: Texts].self, from: Data(contentsOf: URL(fileURLWithPath: templates)))
    } catch {
      throw ValidationError(
        "cannot read the templates at '\(templates)' (\(error)): give --templates")
    }
    let primary = String(language.split(separator: "-").first ?? "")
    guard let english = all["en"] else {
      throw ValidationError("\(templates) has no English texts")
    }
    let texts = all[language] ?? all[primary] ?? english
    if all[language] == nil && all[primary] == nil {
      printError("note: \(templates) has no texts in '\(language)' yet; the template is in English")
    }
    let folder = URL(fileURLWithPath: out)
    if let existing = try? FileManager.default.contentsOfDirectory(atPath: out), !existing.isEmpty {
      throw ValidationError(
        "'\(out)' exists and is not empty: choose a new folder, so nothing of yours is overwritten")
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let fields = Self.fields[kind]!
    func header(_ field: String) -> String {
      texts.headers[field] ?? english.headers[field] ?? field
    }
    let headers = fields.map(header)
    let site = self.site.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    let host = site.flatMap { URL(string: $0)?.host } ?? "example.org"
    let year = Calendar(identifier: .gregorian).component(.year, from: Date())
    // Without the partner's own address, the id still must be the partner's alone.
    let idName =
      site == nil
      ? Listing.slug(name).prefix(40) + "-" + kind.rawValue : Substring(kind.rawValue)
    if site == nil {
      printError(
        "note: without --site the feed's id is tag:example.org,\(year):\(idName); give --site (the partner's web address) to make it theirs, before the feed is first published"
      )
    }
    let kindName = Self.kinds[kind]!
    var yaml = """
      # The mapping profile of \(name): which column of the sheet holds what.
      # Made by drom init-partner; edit the column names if you rename columns in the sheet.
      # The format is explained in docs/importers.md.
      profile: 1
      kind: \(kindName)
      feed:
        id: "tag:\(host),\(year):\(idName)"   # never change this once published
        title: \(Self.quoted(name))
        author: \(Self.quoted(name))
        language: \(language)
      \(site.map { "  link: \(Self.quoted($0))\n" } ?? "")sheet: \(Self.quoted(texts.sheet))
      id:
        column: \(Self.quoted(header("id")))
      columns:

      """
    for field in fields where field != "id" {
      yaml += "  \(field): \(Self.quoted(header(field)))\n"
      if kind == .contacts && field == "contact.name" {
        yaml += "  title: \(Self.quoted(header(field)))\n"
      }
    }
    yaml += "constants:\n  city: \(Self.quoted(city))\n  country: \(country.uppercased())\n"
    try Data(yaml.utf8).write(to: folder.appendingPathComponent("profile.yaml"))
    let base = kind.rawValue
    // CSV: UTF-8 with a byte order mark, so Excel reads the letters right; ; where Excel uses it.
    let delimiter = primary == "en" ? "," : ";"
    let csvLine = headers.map { $0.contains(delimiter) ? "\"\($0)\"" : $0 }.joined(
      separator: delimiter)
    try Data(([0xEF, 0xBB, 0xBF] as [UInt8]) + Array((csvLine + "\r\n").utf8))
      .write(to: folder.appendingPathComponent("\(base).csv"))
    let workbook = try TemplateWorkbook.data([
      .init(name: texts.instructionsSheet, rows: texts.instructions.map { [$0] }, widths: [120]),
      .init(
        name: texts.sheet, rows: [headers], widths: headers.map { max(12, min(40, $0.count + 4)) }),
    ])
    try workbook.write(to: folder.appendingPathComponent("\(base).xlsx"))
    let readme = """
      \(name): publishing your \(kind.rawValue) in the Drom directory

      1. Fill in \(base).xlsx (or \(base).csv). The first sheet says how.
      2. Make the feed (in this folder; Drom finds its vocabularies with --vocabularies):
           drom import --profile profile.yaml \(base).xlsx --out feed.xml --vocabularies DROM/Vocabularies
         It names the row and column of anything to correct, and writes nothing until all is right.
         --dry-run shows what would be published.
      3. Put feed.xml on your website (for example \(site ?? "https://example.org")/drom/feed.xml).
      4. Send its address to the network's coordinator, who adds it to the registry.
      Each time you change the sheet, repeat 2 and 3: the directory follows at its next harvest.

      \(texts.instructions.joined(separator: "\n"))

      """
    try Data(readme.utf8).write(to: folder.appendingPathComponent("README.txt"))
    print("\(out): profile.yaml, \(base).xlsx, \(base).csv, README.txt")
  }

  static func quoted(_ text: String) -> String {
    "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
        of: "\"", with: "\\\"") + "\""
  }
}

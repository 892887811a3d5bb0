import Crypto
import DromFeeds
import DromModel
import DromText
import DromVocabulary
import Foundation

/// Turns sheets into one feed in the Drom profile, as a mapping profile says. Reads every row,
/// collects every problem with its file, sheet, row and column, and makes a feed only when no
/// row has an error: a complete feed without a row would delete that row's entry.
public struct Importer {
  public struct Result: Sendable {
    /// The feed, when no row had an error.
    public var feed: String?
    public var entries: [Entry]
    public var problems: [ImportProblem]
    public var rowsRead: Int
    /// Rows left out on purpose (a person without valid consent), each with a warning.
    public var rowsLeftOut: Int
    public var errors: [ImportProblem] { problems.filter { $0.severity == .error } }
  }

  let profile: ImportProfile
  let vocabulary: Vocabulary
  let now: Date
  /// The last feed written from this profile, so unchanged entries keep their `updated` date.
  let previousFeed: String?

  public init(
    profile: ImportProfile, vocabulary: Vocabulary, now: Date = Date(), previousFeed: String? = nil
  ) {
    self.profile = profile
    self.vocabulary = vocabulary
    self.now = now
    self.previousFeed = previousFeed
  }

  public func run(files: [String]) -> Result {
    var problems: [ImportProblem] = []
    var entries: [Entry] = []
    var rows = 0
    var leftOut = 0
    var ids: [String: SheetLocation] = [:]
    for path in files {
      do {
        let source = try Self.open(path)
        let sheet = try chooseSheet(source, file: (path as NSString).lastPathComponent)
        var mapper: RowMapper?
        try source.read(sheet: sheet) { row in
          if mapper == nil {
            if let header = profile.headerRow, row.number < header { return }
            mapper = try RowMapper(
              profile: profile, vocabulary: vocabulary, header: row,
              location: SheetLocation(
                file: (path as NSString).lastPathComponent, sheet: sheet.isEmpty ? nil : sheet),
              isVCard: source is VCardSheet, now: now)
            problems += mapper!.problems
            return
          }
          rows += 1
          let mapped = mapper!.entries(for: row)
          problems += mapped.problems
          if mapped.leftOut { leftOut += 1 }
          for entry in mapped.entries {
            let here = mapper!.location(row: row.number)
            if let first = ids[entry.id] {
              problems.append(
                ImportProblem(
                  .error, "import.duplicate-id", at: here,
                  "this row has the same id (\(entry.id)) as \(first.row.map { "row \($0)" } ?? "another row")\(first.file == here.file ? "" : " of \(first.file)"): give each row its own id"
                ))
            } else {
              ids[entry.id] = here
              entries.append(entry)
            }
          }
        }
        if mapper == nil {
          problems.append(
            ImportProblem(
              .error, "import.empty",
              at: SheetLocation(
                file: (path as NSString).lastPathComponent, sheet: sheet.isEmpty ? nil : sheet),
              "the sheet has no rows\(profile.headerRow.map { " from row \($0)" } ?? ""): check the file, and header-row in the profile"
            ))
        }
      } catch let problem as ImportProblem {
        problems.append(problem)
      } catch {
        problems.append(
          ImportProblem(
            .error, "import.unreadable",
            at: SheetLocation(file: (path as NSString).lastPathComponent),
            "\(error)"))
      }
    }
    let failed = problems.contains { $0.severity == .error }
    var feed: String?
    if !failed {
      let dated = keepDates(entries)
      feed = FeedWriter.atom(
        FeedWriter.Head(
          id: profile.feed.id, title: profile.feed.title, author: profile.feed.author,
          language: profile.feed.language, link: profile.feed.link,
          updated: dated.compactMap(\.updated).max() ?? now),
        entries: dated)
      entries = dated
    }
    return Result(
      feed: feed, entries: entries, problems: problems, rowsRead: rows, rowsLeftOut: leftOut)
  }

  static func open(_ path: String) throws -> any SheetSource {
    let file = (path as NSString).lastPathComponent
    guard FileManager.default.fileExists(atPath: path) else {
      throw ImportProblem(
        .error, "import.no-file", at: SheetLocation(file: file), "there is no such file")
    }
    switch (path as NSString).pathExtension.lowercased() {
    case "csv", "tsv", "txt": return try CSVSheet(path: path)
    case "xlsx", "xlsm": return try XLSXSheet(path: path)
    case "ods": return try ODSSheet(path: path)
    case "vcf", "vcard": return try VCardSheet(path: path)
    case "xls":
      throw ImportProblem(
        .error, "import.old-format", at: SheetLocation(file: file),
        "the old Excel format (.xls) is not read: save the file as .xlsx (Excel Workbook) or .ods")
    default:
      throw ImportProblem(
        .error, "import.unknown-format", at: SheetLocation(file: file),
        "Drom reads .csv, .xlsx, .ods and .vcf files: save the sheet in one of those")
    }
  }

  private func chooseSheet(_ source: any SheetSource, file: String) throws -> String {
    guard let wanted = profile.sheet else { return source.sheetNames.first ?? "" }
    if source.sheetNames == [""] { return "" }  // CSV and vCard have one unnamed sheet
    if let exact = source.sheetNames.first(where: { $0 == wanted })
      ?? source.sheetNames.first(where: { Folding.fold($0) == Folding.fold(wanted) })
    {
      return exact
    }
    throw ImportProblem(
      .error, "import.no-sheet", at: SheetLocation(file: file),
      "the workbook has no sheet '\(wanted)' (the profile's sheet:); its sheets are \(source.sheetNames.map { "'\($0)'" }.joined(separator: ", "))"
    )
  }

  /// Entries whose content is what the last feed had keep that feed's `updated`; the others
  /// (new or changed) are dated now, unless the sheet dates them.
  func keepDates(_ entries: [Entry]) -> [Entry] {
    let previous = Self.previousEntries(previousFeed ?? "")
    return entries.map { entry in
      guard entry.updated == nil else { return entry }
      var dated = entry
      let fingerprint = Self.fingerprint(entry, feedLanguage: profile.feed.language)
      if let old = previous[entry.id], old.fingerprint == fingerprint {
        dated.updated = old.updated
      } else {
        dated.updated = now
      }
      return dated
    }
  }

  static func fingerprint(_ entry: Entry, feedLanguage: String) -> String {
    var undated = entry
    undated.updated = nil
    let text = FeedWriter.entry(undated, feedLanguage: feedLanguage)
    return Hex.string(SHA256.hash(data: Data(text.utf8)))
  }

  /// The entries of a feed this importer wrote: id → the entry's text without its `updated`,
  /// hashed, and that date.
  static func previousEntries(_ feed: String) -> [String: (fingerprint: String, updated: Date)] {
    var found: [String: (String, Date)] = [:]
    let formatter = ISO8601DateFormatter()
    for chunk in feed.components(separatedBy: "\n  <entry").dropFirst() {
      guard let end = chunk.range(of: "\n  </entry>") else { continue }
      let body = "  <entry" + chunk[..<end.lowerBound] + "\n  </entry>\n"
      let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
      guard
        let idLine = lines.first(where: { $0.hasPrefix("    <id>") }),
        let dateLine = lines.first(where: { $0.hasPrefix("    <updated>") }),
        let date = formatter.date(
          from: String(dateLine.dropFirst("    <updated>".count).dropLast("</updated>".count)))
      else { continue }
      let id = unescape(String(idLine.dropFirst("    <id>".count).dropLast("</id>".count)))
      let undated = lines.filter { !$0.hasPrefix("    <updated>") }.joined(separator: "\n")
      found[id] = (Hex.string(SHA256.hash(data: Data(undated.utf8))), date)
    }
    return found
  }

  static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
  }
}

enum Hex {
  static func string(_ digest: some Sequence<UInt8>) -> String {
    digest.map { String(format: "%02x", $0) }.joined()
  }
}

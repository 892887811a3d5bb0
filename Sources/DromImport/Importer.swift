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
    /// The feed, when no row had an error and it went to memory (`MemoryFeedOutput`).
    public var feed: String?
    /// True when the feed was made (no row had an error).
    public var made: Bool
    /// The entries, when asked to keep them (`keepEntries`).
    public var entries: [Entry]
    public var entryCount: Int
    public var problems: [ImportProblem]
    public var rowsRead: Int
    /// Rows left out on purpose (a person without valid consent), each with a warning.
    public var rowsLeftOut: Int
    public var errors: [ImportProblem] { problems.filter { $0.severity == .error } }
  }

  let profile: ImportProfile
  let vocabulary: Vocabulary
  let now: Date
  /// The last feed written from this profile, so unchanged entries keep their `updated` date:
  /// its text, or where it is.
  let previousFeed: String?
  let previousFeedPath: String?

  public init(
    profile: ImportProfile, vocabulary: Vocabulary, now: Date = Date(), previousFeed: String? = nil,
    previousFeedPath: String? = nil
  ) {
    self.profile = profile
    self.vocabulary = vocabulary
    self.now = now
    self.previousFeed = previousFeed
    self.previousFeedPath = previousFeedPath
  }

  /// Imports into memory: the feed, and its entries, in the result.
  public func run(files: [String]) -> Result {
    let output = MemoryFeedOutput()
    var result = run(files: files, into: output, keepEntries: true)
    result.feed = output.feed
    return result
  }

  /// Imports into `output`, entry by entry; keeps the entries in the result only when asked.
  public func run(files: [String], into output: any FeedOutput, keepEntries: Bool) -> Result {
    var problems: [ImportProblem] = []
    var entries: [Entry] = []
    var count = 0
    var newest: Date?
    var rows = 0
    var leftOut = 0
    // Entry id → the file (its position in `files`) and row that gave it.
    var ids: [String: (file: Int, row: Int)] = [:]
    let previous =
      previousFeedPath.map { Self.previousEntries(path: $0) }
      ?? Self.previousEntries(previousFeed ?? "")
    var failed = false
    func emit(_ entry: Entry) {
      guard !failed else { return }
      let dated = keepDate(entry, previous: previous)
      if let updated = dated.updated { newest = max(newest ?? updated, updated) }
      do {
        try output.append(entry: FeedWriter.entry(dated, feedLanguage: profile.feed.language))
      } catch {
        failed = true
        problems.append(
          ImportProblem(
            .error, "import.write", at: SheetLocation(file: "feed"),
            "the feed cannot be written: \(error)"))
      }
      count += 1
      if keepEntries { entries.append(dated) }
    }
    for (fileNumber, path) in files.enumerated() {
      let file = (path as NSString).lastPathComponent
      do {
        let source = try Self.open(path)
        let sheet = try chooseSheet(source, file: file)
        var mapper: RowMapper?
        try source.read(sheet: sheet) { row in
          if mapper == nil {
            if let header = profile.headerRow, row.number < header { return }
            mapper = try RowMapper(
              profile: profile, vocabulary: vocabulary, header: row,
              location: SheetLocation(file: file, sheet: sheet.isEmpty ? nil : sheet),
              isVCard: source is VCardSheet, now: now)
            problems += mapper!.problems
            if mapper!.problems.contains(where: { $0.severity == .error }) { failed = true }
            return
          }
          rows += 1
          let mapped = mapper!.entries(for: row)
          problems += mapped.problems
          if mapped.problems.contains(where: { $0.severity == .error }) { failed = true }
          if mapped.leftOut { leftOut += 1 }
          for entry in mapped.entries {
            let here = mapper!.location(row: row.number)
            if let first = ids[entry.id] {
              failed = true
              let other = (files[first.file] as NSString).lastPathComponent
              problems.append(
                ImportProblem(
                  .error, "import.duplicate-id", at: here,
                  "this row has the same id (\(entry.id)) as row \(first.row)\(other == here.file ? "" : " of \(other)"): give each row its own id"
                ))
            } else {
              ids[entry.id] = (fileNumber, row.number)
              emit(entry)
            }
          }
        }
        if mapper != nil && rows == 0 {
          problems.append(
            ImportProblem(
              .warning, "import.no-rows",
              at: SheetLocation(file: file, sheet: sheet.isEmpty ? nil : sheet),
              "there are no rows under the header: the feed is empty, and publishing it removes every entry it listed before from the directory"
            ))
        }
        if mapper == nil {
          failed = true
          problems.append(
            ImportProblem(
              .error, "import.empty",
              at: SheetLocation(file: file, sheet: sheet.isEmpty ? nil : sheet),
              "the sheet has no rows\(profile.headerRow.map { " from row \($0)" } ?? ""): check the file, and header-row in the profile"
            ))
        }
      } catch let problem as ImportProblem {
        failed = true
        problems.append(problem)
      } catch {
        failed = true
        problems.append(
          ImportProblem(.error, "import.unreadable", at: SheetLocation(file: file), "\(error)"))
      }
    }
    if failed {
      output.discard()
    } else {
      do {
        try output.finish(
          head: FeedWriter.head(
            FeedWriter.Head(
              id: profile.feed.id, title: profile.feed.title, author: profile.feed.author,
              language: profile.feed.language, link: profile.feed.link, updated: newest ?? now)))
      } catch {
        failed = true
        output.discard()
        problems.append(
          ImportProblem(
            .error, "import.write", at: SheetLocation(file: "feed"),
            "the feed cannot be written: \(error)"))
      }
    }
    return Result(
      feed: nil, made: !failed, entries: entries, entryCount: count, problems: problems,
      rowsRead: rows, rowsLeftOut: leftOut)
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

  /// An entry whose content is what the last feed had keeps that feed's `updated`; a new or
  /// changed one is dated now, unless the sheet dates it.
  func keepDate(_ entry: Entry, previous: [String: (fingerprint: String, updated: Date)]) -> Entry {
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

  static func fingerprint(_ entry: Entry, feedLanguage: String) -> String {
    var undated = entry
    undated.updated = nil
    let text = FeedWriter.entry(undated, feedLanguage: feedLanguage)
    return Hex.string(SHA256.hash(data: Data(text.utf8)))
  }

  /// The entries of a feed this importer wrote: id → the entry's text without its `updated`,
  /// hashed, and that date. Read line by line: the feed may be as long as the sheet.
  static func previousEntries(_ feed: String) -> [String: (fingerprint: String, updated: Date)] {
    var index = PreviousFeedIndex()
    for line in feed.split(separator: "\n", omittingEmptySubsequences: false) { index.add(line) }
    return index.found
  }

  static func previousEntries(path: String) -> [String: (fingerprint: String, updated: Date)] {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [:] }
    defer { try? handle.close() }
    var index = PreviousFeedIndex()
    var pending: [UInt8] = []
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      pending += chunk
      var start = 0
      while let newline = pending[start...].firstIndex(of: 0x0A) {
        index.add(Substring(String(decoding: pending[start..<newline], as: UTF8.self)))
        start = newline + 1
      }
      pending.removeFirst(start)
    }
    if !pending.isEmpty { index.add(Substring(String(decoding: pending, as: UTF8.self))) }
    return index.found
  }

  struct PreviousFeedIndex {
    var found: [String: (fingerprint: String, updated: Date)] = [:]
    private var lines: [Substring]?

    mutating func add(_ line: Substring) {
      if line.hasPrefix("  <entry") {
        lines = [line]
        return
      }
      guard lines != nil else { return }
      lines!.append(line)
      guard line == "  </entry>" else { return }
      defer { lines = nil }
      guard
        let idLine = lines!.first(where: { $0.hasPrefix("    <id>") }),
        let dateLine = lines!.first(where: { $0.hasPrefix("    <updated>") }),
        let date = DateCell.parse(
          String(dateLine.dropFirst("    <updated>".count).dropLast("</updated>".count)),
          monthFirst: false)
      else { return }
      let id = Importer.unescape(String(idLine.dropFirst("    <id>".count).dropLast("</id>".count)))
      let undated = lines!.filter { !$0.hasPrefix("    <updated>") }.joined(separator: "\n") + "\n"
      found[id] = (Hex.string(SHA256.hash(data: Data(undated.utf8))), date)
    }
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

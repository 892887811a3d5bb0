import Foundation

/// A CSV file (RFC 4180, and what office programs write): the delimiter found from the first
/// lines (comma, semicolon, tab or bar), quoted fields with doubled quotes and line breaks,
/// UTF-8 with or without a byte order mark, UTF-16 with one, else Windows-1252.
struct CSVSheet: SheetSource {
  let file: String
  let text: String
  let delimiter: Character

  var sheetNames: [String] { [""] }

  init(path: String) throws {
    file = (path as NSString).lastPathComponent
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    // Zero bytes in text: UTF-16 without its byte order mark, which is not safe to guess.
    let head = data.prefix(4096)
    if !head.starts(with: [0xFF, 0xFE]) && !head.starts(with: [0xFE, 0xFF])
      && head.filter({ $0 == 0 }).count > head.count / 8
    {
      throw ImportProblem(
        .error, "import.encoding", at: SheetLocation(file: file),
        "the file is not UTF-8 or Windows-1252 text (it looks like UTF-16 without a byte order mark): save it again as \"CSV UTF-8\" (Excel) or \"Text CSV\" with the UTF-8 character set (LibreOffice)"
      )
    }
    text = Self.decode(data)
    delimiter = Self.sniffDelimiter(text)
  }

  init(file: String, text: String) {
    self.file = file
    self.text = text
    delimiter = Self.sniffDelimiter(text)
  }

  /// UTF-8 (a BOM dropped), UTF-16 with a BOM, else Windows-1252: what Excel writes in
  /// Western Europe when told "CSV" rather than "CSV UTF-8".
  static func decode(_ data: Data) -> String {
    let bytes = [UInt8](data.prefix(3))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      return String(decoding: data.dropFirst(3), as: UTF8.self)
    }
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      if let text = String(data: data, encoding: .utf16) { return text }
    }
    if let text = String(data: data, encoding: .utf8) { return text }
    return String(data: data, encoding: .windowsCP1252) ?? String(decoding: data, as: UTF8.self)
  }

  /// The candidate that splits the first lines (outside quotes) into the same number of
  /// fields, more than one, most often; a comma when nothing tells.
  static func sniffDelimiter(_ text: String) -> Character {
    let candidates: [Character] = [",", ";", "\t", "|"]
    var lines: [[Character: Int]] = []
    var counts: [Character: Int] = [:]
    var quoted = false
    for character in text.prefix(64 * 1024) {
      if character == "\"" { quoted.toggle() }
      if quoted { continue }
      if character == "\n" || character == "\r\n" || character == "\r" {
        if !counts.isEmpty || !lines.isEmpty { lines.append(counts) }
        counts = [:]
        if lines.count == 10 { break }
      } else if candidates.contains(character) {
        counts[character, default: 0] += 1
      }
    }
    if !counts.isEmpty { lines.append(counts) }
    let scored = candidates.map { candidate -> (Character, Int, Int) in
      let perLine = lines.map { $0[candidate] ?? 0 }
      let first = perLine.first ?? 0
      let consistent = perLine.filter { $0 == first }.count
      return (candidate, first > 0 ? consistent : 0, first)
    }
    return scored.max { ($0.1, $0.2) < ($1.1, $1.2) }.flatMap { $0.1 > 0 ? $0.0 : nil } ?? ","
  }

  func read(sheet: String, row: (SheetRow) throws -> Void) throws {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    // Rows are numbered as an office program shows the file: one per record, a quoted line
    // break inside a cell included, empty records counted.
    var record = 1
    func endRow() throws {
      fields.append(field)
      field = ""
      if fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        try row(SheetRow(number: record, cells: fields))
      }
      fields = []
      record += 1
    }
    for character in text {
      if quoted {
        if character == "\"" {
          quoted = false
          afterQuote = true
        } else {
          field.append(character)
        }
        continue
      }
      switch character {
      case "\"":
        // A quote inside a quoted field is doubled; one in an unquoted field is kept.
        if afterQuote {
          field.append("\"")
          quoted = true
          afterQuote = false
        } else if field.isEmpty {
          quoted = true
        } else {
          field.append(character)
        }
      case delimiter:
        fields.append(field)
        field = ""
        afterQuote = false
      case "\n", "\r\n", "\r":
        try endRow()
        afterQuote = false
      default:
        afterQuote = false
        field.append(character)
      }
    }
    if quoted {
      throw ImportProblem(
        .error, "import.csv-open-quote", at: SheetLocation(file: file, row: record),
        "a quoted field starts in this row and never ends: close it with a \" (a quote inside a field is written twice: \"\")"
      )
    }
    if !field.isEmpty || !fields.isEmpty { try endRow() }
  }
}

import Foundation

/// A CSV file (RFC 4180, and what office programs write), read as a stream: the delimiter found
/// from the first lines (comma, semicolon, tab or bar), quoted fields with doubled quotes and
/// line breaks; UTF-8 with or without a byte order mark, else Windows-1252 (what Excel writes in
/// Western Europe when told "CSV" rather than "CSV UTF-8"); UTF-16 with a byte order mark.
struct CSVSheet: SheetSource {
  enum Encoding { case utf8, windows1252, utf16 }

  let file: String
  /// The file, or the text itself (tests).
  let path: String?
  let text: String?
  let encoding: Encoding
  let delimiter: Character
  static let chunk = 1 << 20

  var sheetNames: [String] { [""] }

  init(path: String) throws {
    file = (path as NSString).lastPathComponent
    self.path = path
    text = nil
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let head = try handle.read(upToCount: 64 * 1024) ?? Data()
    if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
      encoding = .utf16
    } else if !head.isEmpty && head.filter({ $0 == 0 }).count > head.count / 8 {
      // Zero bytes in text: UTF-16 without its byte order mark, which is not safe to guess.
      throw ImportProblem(
        .error, "import.encoding", at: SheetLocation(file: file),
        "the file is not UTF-8 or Windows-1252 text (it looks like UTF-16 without a byte order mark): save it again as \"CSV UTF-8\" (Excel) or \"Text CSV\" with the UTF-8 character set (LibreOffice)"
      )
    } else {
      encoding = Self.isUTF8(head, complete: head.count < 64 * 1024) ? .utf8 : .windows1252
    }
    let sample = Self.decodeWhole(head, encoding)
    delimiter = Self.sniffDelimiter(sample)
  }

  init(file: String, text: String) {
    self.file = file
    path = nil
    self.text = text
    encoding = .utf8
    delimiter = Self.sniffDelimiter(text)
  }

  /// Whether the bytes are UTF-8; a sequence cut at the end of an incomplete sample is fine.
  static func isUTF8(_ data: Data, complete: Bool) -> Bool {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
    if !complete {
      // Drop a multi-byte sequence the sample cut.
      var cut = 0
      for byte in bytes.reversed().prefix(3) {
        cut += 1
        if byte & 0xC0 != 0x80 {
          if byte & 0xC0 == 0xC0 { bytes.removeLast(cut) }
          break
        }
      }
    }
    return String(validating: bytes, as: UTF8.self) != nil
  }

  static func decodeWhole(_ data: Data, _ encoding: Encoding) -> String {
    switch encoding {
    case .utf8:
      return String(
        decoding: data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data, as: UTF8.self)
    case .windows1252:
      return String(data: data, encoding: .windowsCP1252) ?? ""
    case .utf16:
      return String(data: data, encoding: .utf16) ?? ""
    }
  }

  /// Kept for callers that have the bytes already (vCard files).
  static func decode(_ data: Data) -> String {
    if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
      return decodeWhole(data, .utf16)
    }
    return decodeWhole(data, isUTF8(data, complete: true) ? .utf8 : .windows1252)
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

  /// The text, a chunk at a time, decoded; a UTF-8 sequence cut between chunks is carried over.
  private func chunks(_ body: (String) throws -> Void) throws {
    if let text {
      try body(text)
      return
    }
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path!))
    defer { try? handle.close() }
    if encoding == .utf16 {
      try body(Self.decodeWhole(try handle.readToEnd() ?? Data(), .utf16))
      return
    }
    var carry: [UInt8] = []
    var first = true
    while let data = try handle.read(upToCount: Self.chunk), !data.isEmpty {
      var bytes = carry + data
      carry = []
      if first, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
      first = false
      if encoding == .utf8 {
        // Keep back the start of a sequence the chunk cut.
        var back = 0
        for byte in bytes.reversed().prefix(3) {
          back += 1
          if byte & 0xC0 != 0x80 {
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > back {
              carry = Array(bytes.suffix(back))
              bytes.removeLast(back)
            }
            break
          }
        }
        try body(String(decoding: bytes, as: UTF8.self))
      } else {
        try body(String(data: Data(bytes), encoding: .windowsCP1252) ?? "")
      }
    }
    if !carry.isEmpty { try body(String(decoding: carry, as: UTF8.self)) }
  }

  func read(sheet: String, row: (SheetRow) throws -> Void) throws {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var afterQuote = false
    var afterCR = false
    // Rows are numbered as an office program shows the file: one per record, a quoted line
    // break inside a cell included, empty records counted.
    var record = 1
    func endRow() throws {
      fields.append(field)
      field = ""
      if fields.contains(where: { !$0.trimmed().isEmpty }) {
        try row(SheetRow(number: record, cells: fields))
      }
      fields = []
      record += 1
    }
    try chunks { text in
      for character in text {
        // A CR LF that a chunk boundary split is one line break.
        if afterCR {
          afterCR = false
          if character == "\n" { continue }
        }
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
          afterCR = character == "\r"
          try endRow()
          afterQuote = false
        default:
          afterQuote = false
          field.append(character)
        }
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

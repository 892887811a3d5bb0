import DromFeeds
import DromModel
import Foundation

/// An Office Open XML workbook (.xlsx, ECMA-376), read as a stream: the sheet names from
/// `xl/workbook.xml`, shared strings, styles to tell dates from numbers, and each sheet's rows
/// one at a time. Merged cells give their value to every cell they cover.
struct XLSXSheet: SheetSource {
  let file: String
  let package: OfficeArchive
  let sheets: [(name: String, part: String)]
  let sharedStrings: SharedStrings
  /// Which cell styles (`s`) show a date.
  let dateStyles: Set<Int>
  let date1904: Bool

  var sheetNames: [String] { sheets.map(\.name) }

  init(path: String) throws {
    let package = try OfficeArchive(path: path)
    self.package = package
    file = package.file
    let workbook = try Self.elements(package, "xl/workbook.xml", records: ["sheet", "workbookPr"])
    let relations = try Self.elements(
      package, "xl/_rels/workbook.xml.rels", records: ["Relationship"])
    var targets: [String: (target: String, type: String)] = [:]
    for relation in relations {
      guard let id = relation.attribute("Id"), let target = relation.attribute("Target") else {
        continue
      }
      let part = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
      targets[id] = (part, relation.attribute("Type") ?? "")
    }
    date1904 = workbook.contains { element in
      element.name == "workbookPr"
        && ["1", "true"].contains(element.attribute("date1904") ?? "")
    }
    sheets = workbook.filter { $0.name == "sheet" }.compactMap { sheet in
      guard let name = sheet.attribute("name"),
        let id = sheet.relationshipID,
        let target = targets[id]
      else { return nil }
      return (name, target.target)
    }
    guard !sheets.isEmpty else {
      throw ImportProblem(
        .error, "import.broken-file", at: SheetLocation(file: file),
        "the workbook lists no sheets: open it in your office program and save it again")
    }
    let stringsPart =
      targets.values.first { $0.type.hasSuffix("/sharedStrings") }?.target
      ?? "xl/sharedStrings.xml"
    var strings = SharedStrings()
    if package.has(stringsPart) {
      try XMLRecordReader(records: ["si"]).read(package.producer(stringsPart)) {
        _, item in
        strings.append(Self.richText(item))
      }
    }
    sharedStrings = strings
    let stylesPart =
      targets.values.first { $0.type.hasSuffix("/styles") }?.target ?? "xl/styles.xml"
    dateStyles = package.has(stylesPart) ? try Self.dateStyles(package, stylesPart) : []
  }

  private static func elements(_ package: OfficeArchive, _ part: String, records: Set<String>)
    throws -> [XMLRecordReader.Element]
  {
    var found: [XMLRecordReader.Element] = []
    try XMLRecordReader(records: records).read(package.producer(part)) {
      _, element in found.append(element)
    }
    return found
  }

  /// A shared or inline string: its `t`, or the `t` of each rich-text run (`r`), phonetic
  /// readings (`rPh`) left out.
  static func richText(_ item: XMLRecordReader.Element) -> String {
    item.elements.map { child -> String in
      switch child.name {
      case "t": child.text
      case "r": child.elements.filter { $0.name == "t" }.map(\.text).joined()
      default: ""
      }
    }.joined()
  }

  /// The cell formats (`cellXfs`) whose number format is a date: the built-in ones (14–22,
  /// 45–47) and custom codes with day, month or year letters outside quotes and brackets.
  static func dateStyles(_ package: OfficeArchive, _ part: String) throws -> Set<Int> {
    var customDates: Set<Int> = []
    var styles: Set<Int> = []
    var index = 0
    try XMLRecordReader(records: ["numFmt", "xf"]).read(package.producer(part)) { scope, element in
      switch element.name {
      case "numFmt":
        if let id = element.attribute("numFmtId").flatMap(Int.init),
          let code = element.attribute("formatCode"), isDateFormat(code)
        {
          customDates.insert(id)
        }
      default:
        // `xf` elements of `cellXfs` only: the scope says which list they are in.
        guard scope == "cellXfs" else { return }
        let id = element.attribute("numFmtId").flatMap(Int.init) ?? 0
        if (14...22).contains(id) || (45...47).contains(id) || customDates.contains(id) {
          styles.insert(index)
        }
        index += 1
      }
    } container: { name, _ in
      ["cellXfs", "cellStyleXfs", "numFmts", "dxfs"].contains(name) ? name : nil
    }
    return styles
  }

  static func isDateFormat(_ code: String) -> Bool {
    var inQuotes = false
    var inBrackets = false
    for character in code.lowercased() {
      switch character {
      case "\"": inQuotes.toggle()
      case "[": inBrackets = true
      case "]": inBrackets = false
      case "d", "y",
        "m" where !inQuotes && !inBrackets:
        return true
      default: continue
      }
    }
    return false
  }

  func read(sheet name: String, row: (SheetRow) throws -> Void) throws {
    guard let sheet = sheets.first(where: { $0.name == name }) else { return }
    let merges = try mergedRanges(sheet.part)
    var spanValues: [Int: String] = [:]  // merge index → the value of its top-left cell
    var problem: (any Error)?
    try XMLRecordReader(records: ["row"]).read(package.producer(sheet.part)) {
      _, element in
      guard problem == nil else { return }
      let number = element.attribute("r").flatMap(Int.init) ?? 0
      var cells: [String] = []
      var next = 0
      for cell in element.elements where cell.name == "c" {
        let column = cell.attribute("r").flatMap(Self.columnIndex) ?? next
        next = column + 1
        if column >= Self.columnLimit { continue }  // past Excel's last column: not a real cell
        let value = try self.value(of: cell, sheet: name, row: number, column: column)
        if cells.count <= column { cells += Array(repeating: "", count: column + 1 - cells.count) }
        cells[column] = value
      }
      for (index, range) in merges.enumerated() where range.rows.contains(number) {
        if number == range.rows.lowerBound {
          spanValues[index] =
            range.columns.lowerBound < cells.count
            ? cells[range.columns.lowerBound] : ""
        }
        let value = spanValues[index] ?? ""
        for column in range.columns {
          if cells.count <= column {
            cells += Array(repeating: "", count: column + 1 - cells.count)
          }
          if cells[column].isEmpty { cells[column] = value }
        }
      }
      if cells.contains(where: { !$0.trimmed().isEmpty }) {
        do { try row(SheetRow(number: number, cells: cells)) } catch { problem = error }
      }
    }
    if let problem { throw problem }
  }

  private func value(of cell: XMLRecordReader.Element, sheet: String, row: Int, column: Int)
    throws -> String
  {
    // An empty <v/> is no value: openpyxl writes every formula so, with no saved result.
    let raw = cell.elements.first { $0.name == "v" }?.text.nilIfEmpty
    let hasFormula = cell.elements.contains { $0.name == "f" }
    switch cell.attribute("t") ?? "n" {
    case "s":
      guard let index = raw.flatMap(Int.init), let text = sharedStrings[index] else { return "" }
      return text
    case "inlineStr":
      return cell.elements.first { $0.name == "is" }.map(Self.richText) ?? ""
    case "b":
      return raw == "1" ? "TRUE" : raw == nil ? "" : "FALSE"
    case "e":
      throw ImportProblem(
        .error, "import.cell-error", at: location(sheet, row, column),
        "the cell shows the error \(raw ?? "?"): correct the formula, or type the value")
    default:
      guard let raw else {
        if hasFormula {
          throw ImportProblem(
            .error, "import.formula", at: location(sheet, row, column),
            "the cell holds a formula with no saved result: open the file in your office program and save it, or replace the formula by its value"
          )
        }
        return ""
      }
      if cell.attribute("t") == nil || cell.attribute("t") == "n",
        let style = cell.attribute("s").flatMap(Int.init), dateStyles.contains(style),
        let serial = Double(raw)
      {
        return Self.day(serial: serial, date1904: date1904)
      }
      if let number = Double(raw), number == number.rounded(), abs(number) < 1e15 {
        return String(Int64(number))
      }
      return raw
    }
  }

  private func location(_ sheet: String, _ row: Int, _ column: Int) -> SheetLocation {
    SheetLocation(file: file, sheet: sheet, row: row, column: column)
  }

  /// A spreadsheet date (days since 1899-12-30, or 1904-01-01) as `YYYY-MM-DD`, with the time
  /// when it has one.
  static func day(serial: Double, date1904: Bool) -> String {
    let epoch = date1904 ? -24_107.0 : -25_569.0  // days from the Unix epoch
    let seconds = ((serial + epoch) * 86_400).rounded()
    let date = Date(timeIntervalSince1970: seconds)
    if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return CivilDate.day(date) }
    return String(CivilDate.timestamp(date).dropLast())  // a local time, as the sheet shows it
  }

  /// Excel's last column, XFD: no sheet has more.
  static let columnLimit = 16_384

  /// `C7` → 2; nil without letters; `columnLimit` for any column past XFD, which no real cell
  /// has (a hostile reference of many letters would otherwise overflow `Int`).
  static func columnIndex(_ reference: String) -> Int? {
    var index = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
      guard (65...90).contains(scalar.value) || (97...122).contains(scalar.value) else { break }
      letters += 1
      index = min(index * 26 + Int(scalar.value & 0x1F), columnLimit + 1)
    }
    return letters == 0 ? nil : index - 1
  }

  /// `A1:C2` → rows 1…2, columns 0…2.
  static func range(_ reference: String) -> (rows: ClosedRange<Int>, columns: ClosedRange<Int>)? {
    let corners = reference.split(separator: ":").map(String.init)
    guard corners.count == 2, let left = columnIndex(corners[0]),
      let right = columnIndex(corners[1]),
      let top = Int(corners[0].drop { $0.isLetter }),
      let bottom = Int(corners[1].drop { $0.isLetter }),
      top <= bottom, left <= right,
      right < columnLimit  // a range past XFD is not Excel's: skipped, not billions of columns
    else { return nil }
    return (top...bottom, left...right)
  }

  /// The sheet's merged ranges (`mergeCell`, after the rows): one pass that only looks for them.
  private func mergedRanges(_ part: String) throws -> [(
    rows: ClosedRange<Int>, columns: ClosedRange<Int>
  )] {
    var ranges: [(rows: ClosedRange<Int>, columns: ClosedRange<Int>)] = []
    var tail = Data()
    let marker = Data("<mergeCell ".utf8)
    var seen = false
    try package.stream(part) { chunk in
      if !seen {
        var window = tail + chunk
        if let found = window.range(of: marker) {
          seen = true
          window = window.subdata(in: found.lowerBound..<window.endIndex)
          tail = window
        } else {
          tail = window.suffix(marker.count)
        }
      } else {
        tail.append(chunk)
      }
    }
    guard seen else { return [] }
    let text = String(decoding: tail, as: UTF8.self)
    for match in text.matches(of: #/<mergeCell\s+ref="([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)"/#) {
      if let range = Self.range(String(match.output.1)) { ranges.append(range) }
    }
    return ranges
  }
}

extension XMLRecordReader.Element {
  /// `r:id`: its namespace differs between transitional and strict OOXML.
  var relationshipID: String? {
    attribute(
      "id", namespace: "http://schemas.openxmlformats.org/officeDocument/2006/relationships")
      ?? attribute("id", namespace: "http://purl.oclc.org/ooxml/officeDocument/relationships")
  }
}

extension String {
  var nilIfEmpty: String? { isEmpty ? nil : self }
}

/// A workbook's shared strings in one buffer: a sheet saved by an office program keeps every
/// text there, and 100 000 separate strings would cost several times their bytes.
struct SharedStrings {
  private var bytes: [UInt8] = []
  private var ends: [Int32] = []

  mutating func append(_ text: String) {
    bytes.append(contentsOf: text.utf8)
    ends.append(Int32(bytes.count))
  }

  subscript(index: Int) -> String? {
    guard ends.indices.contains(index) else { return nil }
    let start = index == 0 ? 0 : Int(ends[index - 1])
    return String(decoding: bytes[start..<Int(ends[index])], as: UTF8.self)
  }
}

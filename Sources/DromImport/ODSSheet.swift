import DromFeeds
import Foundation

/// An OpenDocument spreadsheet (.ods), read as a stream from `content.xml`: each table's rows,
/// repeated cells and rows expanded (but not the million empty ones an office program writes at
/// the end), dates as `office:date-value`, merged cells (`number-columns-spanned`,
/// `number-rows-spanned`) giving their value to every cell they cover.
struct ODSSheet: SheetSource {
  static let table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  static let office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  static let text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

  let file: String
  let package: OfficeArchive
  let sheetNames: [String]

  init(path: String) throws {
    let package = try OfficeArchive(path: path)
    self.package = package
    file = package.file
    var names: [String] = []
    // The names alone: a pass that hands over no rows' contents.
    try XMLRecordReader(records: ["table-row", "table-columns", "table-column"]).read(
      package.producer("content.xml")
    ) { _, _ in
    } container: { name, attribute in
      if name == "table", let tableName = attribute("name", Self.table) { names.append(tableName) }
      return nil
    }
    guard !names.isEmpty else {
      throw ImportProblem(
        .error, "import.broken-file", at: SheetLocation(file: file),
        "the spreadsheet has no sheets: open it in your office program and save it again")
    }
    sheetNames = names
  }

  func read(sheet name: String, row: (SheetRow) throws -> Void) throws {
    var number = 0
    var spansDown: [Int: (value: String, until: Int)] = [:]  // column → value, last row
    var problem: (any Error)?
    try XMLRecordReader(records: ["table-row"]).read(package.producer("content.xml")) {
      scope, element in
      guard scope == name, problem == nil else { return }
      let repeated =
        element.attribute("number-rows-repeated", namespace: Self.table)
        .flatMap(Int.init) ?? 1
      var cells: [String] = []
      for cell in element.elements
      where cell.name == "table-cell" || cell.name == "covered-table-cell" {
        let times = min(
          cell.attribute("number-columns-repeated", namespace: Self.table).flatMap(Int.init) ?? 1,
          16_384)
        let value = cell.name == "covered-table-cell" ? "" : Self.value(of: cell)
        let across =
          cell.attribute("number-columns-spanned", namespace: Self.table).flatMap(Int.init) ?? 1
        let down =
          cell.attribute("number-rows-spanned", namespace: Self.table).flatMap(Int.init) ?? 1
        for _ in 0..<times {
          if cells.count >= 16_384 { break }
          let column = cells.count
          if across > 1 || down > 1 {
            for offset in 0..<max(across, 1) {
              spansDown[column + offset] = (value, number + 1 + down - 1)
            }
          }
          cells.append(value)
        }
      }
      // Trailing empty cells (an office program pads to the last column) are not cells.
      while cells.last?.isEmpty == true { cells.removeLast() }
      let isEmpty = cells.allSatisfy { $0.trimmed().isEmpty }
      if isEmpty && spansDown.isEmpty {
        number += repeated  // blank rows, perhaps a million of them: counted, not read
        return
      }
      for _ in 0..<min(repeated, 10_000) {
        number += 1
        var filled = cells
        for (column, span) in spansDown where span.until >= number {
          if filled.count <= column {
            filled += Array(repeating: "", count: column + 1 - filled.count)
          }
          if filled[column].isEmpty { filled[column] = span.value }
        }
        spansDown = spansDown.filter { $0.value.until > number }
        if filled.contains(where: { !$0.trimmed().isEmpty }) {
          do { try row(SheetRow(number: number, cells: filled)) } catch {
            problem = error
            return
          }
        }
      }
      if repeated > 10_000 { number += repeated - 10_000 }
    } container: { containerName, attribute in
      containerName == "table" ? attribute("name", Self.table) : nil
    }
    if let problem { throw problem }
  }

  /// A cell's value: dates from `office:date-value`, numbers from `office:value`, else its
  /// paragraphs' text (`text:s` spaces, tabs and line breaks kept), one line per paragraph.
  static func value(of cell: XMLRecordReader.Element) -> String {
    switch cell.attribute("value-type", namespace: office) {
    case "date":
      if let date = cell.attribute("date-value", namespace: office) {
        return date.hasSuffix("T00:00:00") ? String(date.prefix(10)) : date
      }
    case "float", "percentage", "currency":
      if let value = cell.attribute("value", namespace: office) {
        if let number = Double(value), number == number.rounded(), abs(number) < 1e15 {
          return String(Int64(number))
        }
        return value
      }
    case "boolean":
      return cell.attribute("boolean-value", namespace: office) == "true" ? "TRUE" : "FALSE"
    default:
      break
    }
    return cell.elements.filter { $0.name == "p" }.map(paragraph).joined(separator: "\n")
  }

  static func paragraph(_ element: XMLRecordReader.Element) -> String {
    element.children.map { node -> String in
      switch node {
      case .text(let text): return text
      case .element(let child):
        switch child.name {
        case "s":
          return String(
            repeating: " ", count: child.attribute("c", namespace: text).flatMap(Int.init) ?? 1)
        case "tab": return "\t"
        case "line-break": return "\n"
        case "annotation": return ""
        default: return paragraph(child)
        }
      }
    }.joined()
  }
}

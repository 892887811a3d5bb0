import Foundation

/// One row of a sheet as the importer sees it: its number as the office program shows it, and
/// its cells as text (dates as ISO 8601 days, numbers as written).
public struct SheetRow: Sendable {
  public var number: Int
  public var cells: [String]

  public init(number: Int, cells: [String]) {
    self.number = number
    self.cells = cells
  }
}

/// Where a problem is: the file, the sheet (XLSX, ODS), the row and the column.
public struct SheetLocation: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var sheet: String?
  public var row: Int?
  /// The column's letter (`C`) and its name in the header (`Teman`).
  public var column: Int?
  public var columnName: String?
  /// How a row is named: `row` in a sheet, `card at line` in an address book.
  public var rowWord = "row"

  public init(
    file: String, sheet: String? = nil, row: Int? = nil, column: Int? = nil,
    columnName: String? = nil
  ) {
    self.file = file
    self.sheet = sheet
    self.row = row
    self.column = column
    self.columnName = columnName
  }

  /// `praktiker.xlsx: sheet Praktiker, row 7, column C (Teman)`.
  public var description: String {
    var parts: [String] = []
    if let sheet { parts.append("sheet \(sheet)") }
    if let row { parts.append("\(rowWord) \(row)") }
    if let column {
      parts.append(
        "column \(Self.letter(column))" + (columnName.map { " (\($0))" } ?? ""))
    } else if let columnName {
      parts.append("column \(columnName)")
    }
    return file + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
  }

  /// A column's letters as office programs show them: 0 → A, 25 → Z, 26 → AA.
  public static func letter(_ index: Int) -> String {
    var index = index
    var letters = ""
    repeat {
      letters = String(UnicodeScalar(UInt8(65 + index % 26))) + letters
      index = index / 26 - 1
    } while index >= 0
    return letters
  }
}

/// A problem with the input, named where it is and saying what to do.
public struct ImportProblem: Error, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }
  public var severity: Severity
  public var code: String
  public var location: SheetLocation
  public var message: String

  public init(
    _ severity: Severity, _ code: String, at location: SheetLocation, _ message: String
  ) {
    self.severity = severity
    self.code = code
    self.location = location
    self.message = message
  }

  /// Like a compiler's: `praktiker.xlsx: sheet Praktiker, row 7, column C (Teman): error: import.unknown-concept …`.
  public var description: String {
    "\(location): \(severity.rawValue): \(code) \(message)"
  }
}

/// A spreadsheet or address book, read row by row.
protocol SheetSource {
  /// The sheets' names, in the workbook's order (one unnamed sheet for CSV and vCard).
  var sheetNames: [String] { get }
  /// Reads one sheet's rows in order, handing each to `row` (empty rows are skipped).
  func read(sheet: String, row: (SheetRow) throws -> Void) throws
}

extension StringProtocol {
  /// Without white space (line breaks included) at either end. Foundation's
  /// `trimmingCharacters(in:)` goes through NSString and took a quarter of an import's time.
  func trimmed() -> String {
    let scalars = Substring(self).unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(Substring(scalars[first...last]))
  }
}

import DromModel
import DromVocabulary
import Foundation
import Testing

@testable import DromImport

@Suite("Importers: office files and bad inputs")
struct OfficeFileTests {
  @Test(
    "an XLSX or ODS saved by LibreOffice, or an XLSX of inline strings made by hand, gives the CSV's feed",
    arguments: [
      ("praktiker.xlsx", "praktiker.csv", "practices.yaml"),
      ("praktiker.ods", "praktiker.csv", "practices.yaml"),
      ("praktiker-inline.xlsx", "praktiker.csv", "practices.yaml"),
      ("constats.xlsx", "constats.csv", "findings.yaml"),
      ("constats.ods", "constats.csv", "findings.yaml"),
    ])
  func sameFeedAsCSV(workbook: String, csv: String, profile: String) throws {
    let fromWorkbook = try importing(
      [samples.appendingPathComponent(workbook).path], profile: profile)
    let fromCSV = try importing([samples.appendingPathComponent(csv).path], profile: profile)
    #expect(fromWorkbook.errors.isEmpty, "\(fromWorkbook.errors)")
    #expect(fromWorkbook.entries.count == fromCSV.entries.count)
    #expect(fromWorkbook.feed == fromCSV.feed)
  }

  @Test("the XLSX reader: sheet names in order, shared strings, dates as days, merged cells")
  func xlsxParts() throws {
    let workbook = try XLSXSheet(path: samples.appendingPathComponent("praktiker.xlsx").path)
    #expect(workbook.sheetNames.count == 2)
    #expect(workbook.sheetNames.last == "Praktiker")
    var rows: [SheetRow] = []
    try workbook.read(sheet: "Praktiker") { rows.append($0) }
    // The merged "Kontakt" above the contact columns covers each of them.
    let group = try #require(rows.first { $0.number == 1 })
    #expect(group.cells.filter { $0 == "Kontakt" }.count == 8)
    let header = try #require(rows.first { $0.number == 2 })
    #expect(header.cells.first == "Nr" && header.cells.contains("Senast ändrad"))
    let first = try #require(rows.first { $0.number == 3 })
    let updated = try #require(header.cells.firstIndex(of: "Senast ändrad"))
    #expect(
      first.cells[updated].wholeMatch(of: #/\d{4}-\d{2}-\d{2}/#) != nil, "\(first.cells[updated])")
    #expect(XLSXSheet.day(serial: 46_082, date1904: false) == "2026-03-01")
    #expect(XLSXSheet.day(serial: 44_620, date1904: true) == "2026-03-01")
    #expect(XLSXSheet.columnIndex("AB12") == 27)
    #expect(SheetLocation.letter(27) == "AB")
    #expect(XLSXSheet.isDateFormat("[$-41D]d/m/yyyy") && !XLSXSheet.isDateFormat("0.00\" kr\""))
  }

  @Test(
    "bad inputs give errors that name the file, sheet, row and column, and no feed",
    arguments: [
      ("utan-titel.csv", "import.missing-column", 2, nil),
      ("okant-tema.csv", "import.unknown-concept", 4, "Teman"),
      ("fel-datum.csv", "import.bad-date", 3, "Senast ändrad"),
      ("trasig.xlsx", "import.broken-file", nil, nil),
      ("avkortad-del.xlsx", "import.broken-file", nil, nil),
      ("krypterad.xlsx", "import.encrypted", nil, nil),
      ("formel-utan-varde.xlsx", "import.formula", 3, nil),
      ("utf16-utan-bom.csv", "import.encoding", nil, nil),
    ] as [(String, String, Int?, String?)])
  func badInputs(file: String, code: String, row: Int?, column: String?) throws {
    let result = try importing(
      [samples.appendingPathComponent("bad/\(file)").path], profile: "practices.yaml")
    #expect(result.feed == nil)
    let problem = try #require(result.errors.first { $0.code == code }, "\(result.problems)")
    #expect(problem.location.file == file)
    #expect(problem.location.row == row)
    if let column { #expect(problem.location.columnName == column) }
    if file.hasSuffix(".xlsx") && row != nil { #expect(problem.location.sheet == "Praktiker") }
    #expect(problem.message.count > 40, "says what to do: \(problem.message)")
  }

  @Test("a formula with its saved result reads as that result; Windows-1252 reads as such")
  func readableOddities() throws {
    let formula = try importing(
      [samples.appendingPathComponent("bad/formel-cachad.xlsx").path], profile: "practices.yaml")
    #expect(formula.errors.isEmpty, "\(formula.errors)")
    #expect(formula.entries.contains { $0.title.hasSuffix("x") })
    let latin1 = try importing(
      [samples.appendingPathComponent("bad/latin1-ogiltig-utf8.csv").path],
      profile: "practices.yaml")
    #expect(latin1.errors.isEmpty, "\(latin1.errors)")
    #expect(latin1.feed?.contains("Göteborg") == true)
    #expect(latin1.feed?.contains("2012–2015") == true)
  }

  @Test("dates as people type them, read without a formatter, agree with ISO 8601")
  func dates() throws {
    let iso = ISO8601DateFormatter()
    for (text, expected) in [
      ("2026-03-01", "2026-03-01T00:00:00Z"), ("2026-03-01T09:30", "2026-03-01T09:30:00Z"),
      ("2026-03-01T09:30:15+01:00", "2026-03-01T08:30:15Z"),
      ("2024-02-29 23:59:59Z", "2024-02-29T23:59:59Z"),
      ("1.3.2026", "2026-03-01T00:00:00Z"), ("01/03/26", "2026-03-01T00:00:00Z"),
      ("15.04.2026.", "2026-04-15T00:00:00Z"),
    ] {
      #expect(DateCell.parse(text, monthFirst: false) == iso.date(from: expected), "\(text)")
    }
    #expect(
      DateCell.parse("03/01/2026", monthFirst: true) == iso.date(from: "2026-03-01T00:00:00Z"))
    for bad in ["31.02.2026", "2026-13-01", "2025-02-29", "next week", "2026-03-01T25:00", ""] {
      #expect(DateCell.parse(bad, monthFirst: false) == nil, "\(bad)")
    }
    for seconds in stride(from: -86_400.0 * 800, to: 86_400.0 * 30_000, by: 86_400.0 * 37 + 3_661) {
      let date = Date(timeIntervalSince1970: seconds)
      #expect(CivilDate.timestamp(date) == iso.string(from: date))
    }
  }

  @Test("CSV: the delimiter is found, quotes and line breaks in cells are kept")
  func csvShapes() throws {
    #expect(CSVSheet.sniffDelimiter("a;b;c\n1;2;3\n") == ";")
    #expect(CSVSheet.sniffDelimiter("a\tb\n1\t\"x;y\"\n") == "\t")
    #expect(CSVSheet.sniffDelimiter("a,b\n\"1;2\",3\n") == ",")
    var rows: [SheetRow] = []
    try CSVSheet(file: "t.csv", text: "a,b\r\n\"x, \"\"y\"\"\nz\",2\r\n\r\n3,4")
      .read(sheet: "") { rows.append($0) }
    #expect(rows.map(\.number) == [1, 2, 4])
    #expect(rows[1].cells == ["x, \"y\"\nz", "2"])
    #expect(throws: ImportProblem.self) {
      try CSVSheet(file: "t.csv", text: "a,b\n\"open,2\n").read(sheet: "") { _ in }
    }
  }

  @Test("a profile's mistakes are told with what to do")
  func profileMistakes() {
    #expect(throws: ImportProfile.Problem.self) {
      try ImportProfile.parse("profile: 1\nfeed:\n  id: x\n  title: y\n", file: "p.yaml")
    }
    do {
      _ = try ImportProfile.parse(
        "profile: 1\nfeed: {id: x, title: y, language: sv}\ncolumns:\n  titel: Titel\n",
        file: "p.yaml")
      Issue.record("a misspelt field was accepted")
    } catch {
      #expect("\(error)".contains("did you mean 'title'"))
    }
  }

  @Test("init-partner's template workbook reads back through the importer's XLSX reader")
  func templateWorkbook() throws {
    let data = try TemplateWorkbook.data([
      .init(name: "Instruktioner", rows: [["Hur"], ["Så här & så"]]),
      .init(name: "Praktiker", rows: [["Nr", "Titel", "Teman"]]),
    ])
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).xlsx")
    try data.write(to: path)
    let workbook = try XLSXSheet(path: path.path)
    #expect(workbook.sheetNames == ["Instruktioner", "Praktiker"])
    var rows: [SheetRow] = []
    try workbook.read(sheet: "Instruktioner") { rows.append($0) }
    #expect(rows.map(\.cells) == [["Hur"], ["Så här & så"]])
    #expect(
      try TemplateWorkbook.data([.init(name: "A", rows: [["x"]])])
        == TemplateWorkbook.data([.init(name: "A", rows: [["x"]])]))
  }
}

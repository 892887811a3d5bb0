import Foundation
import ZIPFoundation

/// The ZIP package of an XLSX or ODS file, read with limits: a part may not unpack to more
/// than `maxPartBytes` (a zip bomb stops there), nor read past its own bytes (a truncated one
/// fails), and what is not a ZIP at all is told apart (an encrypted workbook is an OLE file).
struct OfficeArchive {
  let file: String
  let path: String
  let archive: Archive
  static let maxPartBytes = 512 << 20

  init(path: String) throws {
    file = (path as NSString).lastPathComponent
    self.path = path
    let head =
      (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 8))
      ?? Data()
    if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      throw ImportProblem(
        .error, "import.encrypted", at: SheetLocation(file: file),
        "the file is password-protected (or an old .xls): open it in your office program, save it again without a password as .xlsx or .ods, and import that"
      )
    }
    guard head.starts(with: [0x50, 0x4B]) else {
      throw ImportProblem(
        .error, "import.not-a-workbook", at: SheetLocation(file: file),
        "the file is not an XLSX or ODS workbook (those are ZIP packages): save it as .xlsx, .ods or .csv"
      )
    }
    do {
      archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      throw ImportProblem(
        .error, "import.broken-file", at: SheetLocation(file: file),
        "the workbook cannot be opened (\(error)): it may be damaged or incompletely copied; open it in your office program and save it again"
      )
    }
  }

  func has(_ part: String) -> Bool { archive[part] != nil }

  /// Streams a part's bytes to `consume`, chunk by chunk.
  func stream(_ part: String, _ consume: (Data) -> Void) throws {
    guard let entry = archive[part] else {
      throw ImportProblem(
        .error, "import.broken-file", at: SheetLocation(file: file),
        "the workbook has no \(part): it is damaged, or not a spreadsheet; open it in your office program and save it again"
      )
    }
    do {
      try ZIPPartReader(path: path, entry: entry, limit: Self.maxPartBytes).read(consume)
    } catch ZIPPartReader.Failure.tooLarge {
      throw ImportProblem(
        .error, "import.too-large", at: SheetLocation(file: file),
        "\(part) unpacks to more than \(Self.maxPartBytes >> 20) MB: a sheet that large is not a partner's list; split it, or check the file"
      )
    } catch let problem as ImportProblem {
      throw problem
    } catch {
      throw ImportProblem(
        .error, "import.broken-file", at: SheetLocation(file: file),
        "\(part) cannot be unpacked (\(error)): the workbook is damaged; open it in your office program and save it again"
      )
    }
  }

  /// A part as the record reader takes it: a function that pushes its chunks.
  func producer(_ part: String) -> ((Data) -> Void) throws -> Void {
    { push in try self.stream(part, push) }
  }

  /// A small part, whole.
  func data(_ part: String) throws -> Data {
    var data = Data()
    try stream(part) { data.append($0) }
    return data
  }
}

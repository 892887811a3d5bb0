import CZlibInflate
import Foundation
import ZIPFoundation

/// Unpacks one part of a workbook's ZIP package, reading no byte outside the part's own
/// compressed data and no more than `limit` bytes out.
///
/// ZIPFoundation finds the parts (its central directory reader is fine), but its inflate loop
/// (0.9.20, `Data.decode` on Linux) reads on past the part and then asks for more input for
/// ever when a deflate stream is cut short: a truncated workbook hung `drom import` (found by
/// fuzzing, `Tests/Fixtures/fuzz/xlsx/truncated-deflate.xlsx`; weichsel/ZIPFoundation#389).
/// Here the input ends where the part ends, and a stream that has not ended by then is an
/// error.
struct ZIPPartReader {
  enum Failure: Error, CustomStringConvertible {
    case unreadable(String)
    case tooLarge

    var description: String {
      switch self {
      case .unreadable(let reason): reason
      case .tooLarge: "too large"
      }
    }
  }

  let path: String
  let entry: Entry
  let limit: Int

  /// Calls `consume` with the part's bytes in order, chunk by chunk; checks the CRC-32.
  func read(_ consume: (Data) throws -> Void) throws {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    let layout = try Self.layout(of: entry)
    try handle.seek(toOffset: layout.headerOffset)
    let header = try handle.read(upToCount: 30) ?? Data()
    guard header.count == 30, header.littleEndian(UInt32.self, at: 0) == 0x0403_4B50 else {
      throw Failure.unreadable("the part's local header is missing")
    }
    let nameLength = UInt64(header.littleEndian(UInt16.self, at: 26))
    let extraLength = UInt64(header.littleEndian(UInt16.self, at: 28))
    try handle.seek(toOffset: layout.headerOffset + 30 + nameLength + extraLength)

    var remaining = entry.compressedSize
    func input() throws -> Data {
      guard remaining > 0 else { return Data() }
      let size = Int(min(remaining, 64 * 1024))
      let chunk = try handle.read(upToCount: size) ?? Data()
      guard !chunk.isEmpty else { throw Failure.unreadable("the file ends inside the part") }
      remaining -= UInt64(chunk.count)
      return chunk
    }
    var written = 0
    var checksum: uLong = crc32(0, nil, 0)
    func output(_ chunk: Data) throws {
      written += chunk.count
      guard written <= limit else { throw Failure.tooLarge }
      checksum = chunk.withUnsafeBytes {
        crc32(checksum, $0.bindMemory(to: Bytef.self).baseAddress, uInt($0.count))
      }
      try consume(chunk)
    }
    switch layout.method {
    case 0:
      var chunk = try input()
      while !chunk.isEmpty {
        try output(chunk)
        chunk = try input()
      }
    case 8:
      try Self.inflate(input, output)
    default:
      throw Failure.unreadable(
        "the part is compressed with method \(layout.method), which office programs do not use")
    }
    guard UInt32(truncatingIfNeeded: checksum) == entry.checksum else {
      throw Failure.unreadable("the part's checksum does not match its bytes")
    }
  }

  /// Raw deflate from `input` (empty once the part's bytes are used up) to `output`.
  private static func inflate(_ input: () throws -> Data, _ output: (Data) throws -> Void) throws {
    var stream = z_stream()
    guard
      inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        == Z_OK
    else { throw Failure.unreadable("zlib could not start") }
    defer { inflateEnd(&stream) }
    let outputSize = 64 * 1024
    var buffer = [UInt8](repeating: 0, count: outputSize)
    var status = Z_OK
    while status != Z_STREAM_END {
      var chunk = try input()
      guard !chunk.isEmpty else {
        throw Failure.unreadable("the part's compressed data ends before its stream does")
      }
      try chunk.withUnsafeMutableBytes { raw in
        stream.next_in = raw.bindMemory(to: Bytef.self).baseAddress
        stream.avail_in = uInt(raw.count)
        repeat {
          let produced = try buffer.withUnsafeMutableBufferPointer { out -> Int in
            stream.next_out = out.baseAddress
            stream.avail_out = uInt(outputSize)
            status = CZlibInflate.inflate(&stream, Z_NO_FLUSH)
            // Z_BUF_ERROR: no progress until more input comes, which is not an error.
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
              throw Failure.unreadable("the part's compressed data is damaged")
            }
            return outputSize - Int(stream.avail_out)
          }
          if produced > 0 { try output(Data(buffer[0..<produced])) }
        } while status != Z_STREAM_END && stream.avail_out == 0  // a full buffer: more to come
      }
      stream.next_in = nil
    }
  }

  /// Where the part's local header is and how it is compressed. ZIPFoundation keeps both
  /// internal; they are read from its central directory record by reflection, and a version
  /// that renames them fails here with a message, caught by the import tests.
  private static func layout(of entry: Entry) throws -> (headerOffset: UInt64, method: UInt16) {
    let record = Mirror(reflecting: entry).descendant("centralDirectoryStructure")
    guard let record,
      let offset = Mirror(reflecting: record).descendant("relativeOffsetOfLocalHeader")
        as? UInt32,
      let method = Mirror(reflecting: record).descendant("compressionMethod") as? UInt16
    else { throw Failure.unreadable("this ZIPFoundation version hides the part's offset") }
    guard offset == UInt32.max else { return (UInt64(offset), method) }
    // ZIP64: the offset is in the extra field (header 0x0001), after the sizes it replaces.
    guard let extra = Mirror(reflecting: record).descendant("extraFieldData") as? Data,
      let sizes = Mirror(reflecting: record).descendant("uncompressedSize") as? UInt32,
      let compressed = Mirror(reflecting: record).descendant("compressedSize") as? UInt32
    else { throw Failure.unreadable("the part's ZIP64 record cannot be read") }
    var position = 0
    let bytes = [UInt8](extra)
    while position + 4 <= bytes.count {
      let id = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
      let size = Int(UInt16(bytes[position + 2]) | UInt16(bytes[position + 3]) << 8)
      let body = position + 4
      if id == 1 {
        let skip = (sizes == UInt32.max ? 8 : 0) + (compressed == UInt32.max ? 8 : 0)
        guard body + skip + 8 <= min(bytes.count, body + size) else { break }
        let value = Data(bytes[(body + skip)..<(body + skip + 8)]).littleEndian(UInt64.self, at: 0)
        return (value, method)
      }
      position = body + size
    }
    throw Failure.unreadable("the part's ZIP64 record has no offset")
  }
}

extension Data {
  /// The little-endian integer at `offset` (which must be in range).
  fileprivate func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
    var value: T = 0
    for index in 0..<MemoryLayout<T>.size {
      value |= T(self[startIndex + offset + index]) << (8 * index)
    }
    return value
  }
}

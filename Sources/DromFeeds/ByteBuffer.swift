import Foundation

/// A growable UTF-8 buffer for the sanitiser's per-byte loops.
///
/// Bytes are written straight to memory after one capacity check per piece of text; a
/// `[UInt8]` checks uniqueness and capacity on every append, which cost more than the
/// escaping and white-space work itself (one append per word). Owned by one object, never
/// copied.
struct ByteBuffer: ~Copyable {
  private var start: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    start = .allocate(capacity: self.capacity)
  }

  deinit {
    start.deallocate()
  }

  var isEmpty: Bool { count == 0 }
  var last: UInt8? { count == 0 ? nil : start[count - 1] }

  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }

  /// Empties the buffer; memory past `limit` bytes (grown for one huge piece) is given back.
  mutating func removeAll(keepingCapacityUpTo limit: Int) {
    count = 0
    guard capacity > limit else { return }
    start.deallocate()
    capacity = max(limit, 16)
    start = .allocate(capacity: capacity)
  }

  /// Makes room for `extra` more bytes.
  mutating func reserve(_ extra: Int) {
    guard count + extra > capacity else { return }
    let newCapacity = max(capacity * 2, count + extra)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    grown.update(from: start, count: count)
    start.deallocate()
    start = grown
    capacity = newCapacity
  }

  mutating func append(_ byte: UInt8) {
    reserve(1)
    start[count] = byte
    count += 1
  }

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count)
    (start + count).update(from: source, count: bytes.count)
    count += bytes.count
  }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { append($0) }
  }

  /// Appends text escaped for HTML content and quoted attribute values (see `HTMLEscaping`).
  mutating func appendEscapingHTML(_ bytes: UnsafeBufferPointer<UInt8>) {
    // "&quot;" is the longest replacement: six bytes for one.
    reserve(bytes.count * 6)
    var out = start + count
    for byte in bytes {
      // Every character to escape is below 0x3F: one comparison passes over letters.
      if byte >= 0x3F || !HTMLEscaping.needsEscape(byte) {
        out.pointee = byte
        out += 1
        continue
      }
      let entity = HTMLEscaping.entity(for: byte)
      out.update(from: entity.utf8Start, count: entity.utf8CodeUnitCount)
      out += entity.utf8CodeUnitCount
    }
    count = out - start
  }

  // Word-at-a-time tests on eight bytes, each flagging a byte by its high bit: a flag is exact
  // for the lowest flagged byte (which is all the caller uses), and may be spurious above it.
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highs: UInt64 = 0x8080_8080_8080_8080

  /// Flags bytes of at most 0x20.
  @inline(__always)
  private static func bytesAtOrBelowSpace(_ word: UInt64) -> UInt64 {
    (word &- ones &* 0x21) & ~word & highs
  }

  /// Flags bytes equal to 0xC2, the lead byte of a no-break space.
  @inline(__always)
  private static func bytesEqualToC2(_ word: UInt64) -> UInt64 {
    let differences = word ^ (ones &* 0xC2)
    return (differences &- ones) & ~differences & highs
  }

  /// Flags bytes equal to `byte`.
  @inline(__always)
  private static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
    let differences = word ^ (ones &* UInt64(byte))
    return (differences &- ones) & ~differences & highs
  }

  /// Appends text escaped to this buffer and collapsed to `text`, as `appendEscapingHTML` and
  /// `appendCollapsingWhitespace` would one after the other, in one pass: the sanitiser's kept
  /// text, where both are wanted and two passes over every byte cost a pass too many.
  mutating func appendEscapingHTML(
    _ bytes: UnsafeBufferPointer<UInt8>, collapsingInto text: inout ByteBuffer,
    spacePending: inout Bool
  ) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count * 6 + 8)
    text.reserve(bytes.count + 9)
    var html = start + count
    var out = text.start + text.count
    let textStart = text.start
    var index = 0
    let end = bytes.count
    while index < end {
      var byte = bytes[index]
      if byte > 0x20 && byte != 0xC2 && (byte >= 0x3F || !HTMLEscaping.needsEscape(byte)) {
        // A run of ordinary bytes: the same in both, copied eight at a time while no byte in
        // the eight stops it, then byte by byte.
        if spacePending {
          out.pointee = 0x20
          out += 1
          spacePending = false
        }
        while index + 8 <= end {
          let raw = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
          let word = UInt64(littleEndian: raw)
          let stops =
            Self.bytesAtOrBelowSpace(word) | Self.bytesEqualToC2(word)
            | Self.bytes(word, equalTo: 0x26) | Self.bytes(word, equalTo: 0x3C)
            | Self.bytes(word, equalTo: 0x3E) | Self.bytes(word, equalTo: 0x22)
            | Self.bytes(word, equalTo: 0x27)
          UnsafeMutableRawPointer(html).storeBytes(of: raw, as: UInt64.self)
          UnsafeMutableRawPointer(out).storeBytes(of: raw, as: UInt64.self)
          let ordinary = stops == 0 ? 8 : stops.trailingZeroBitCount >> 3
          html += ordinary
          out += ordinary
          index += ordinary
          if ordinary < 8 { break }
        }
        guard index < end else { break }
        byte = bytes[index]
        while byte > 0x20 && byte != 0xC2 && (byte >= 0x3F || !HTMLEscaping.needsEscape(byte)) {
          html.pointee = byte
          html += 1
          out.pointee = byte
          out += 1
          index += 1
          guard index < end else { break }
          byte = bytes[index]
        }
        continue
      }
      if byte < 0x3F && HTMLEscaping.needsEscape(byte) {
        // The HTML gets the entity; the text, the character.
        let entity = HTMLEscaping.entity(for: byte)
        html.update(from: entity.utf8Start, count: entity.utf8CodeUnitCount)
        html += entity.utf8CodeUnitCount
        if spacePending {
          out.pointee = 0x20
          out += 1
          spacePending = false
        }
        out.pointee = byte
        out += 1
        index += 1
        continue
      }
      // White space, another control, or 0xC2: unchanged in the HTML.
      html.pointee = byte
      html += 1
      if TextScanning.isSpace(at: index, in: bytes) {
        if byte == 0xC2 {
          html.pointee = 0xA0
          html += 1
        }
        spacePending = out != textStart
        index += byte == 0xC2 ? 2 : 1
        continue
      }
      if spacePending {
        out.pointee = 0x20
        out += 1
        spacePending = false
      }
      out.pointee = byte
      out += 1
      index += 1
    }
    count = html - start
    text.count = out - text.start
  }

  /// Appends text with white space collapsed as `TextScanning.collapseWhitespace` does, for
  /// text that arrives in pieces: a space is written only once more text follows it, so none
  /// ends up at either end. A no-break space must not be split between two pieces (libxml2
  /// never splits a character).
  mutating func appendCollapsingWhitespace(
    _ bytes: UnsafeBufferPointer<UInt8>, spacePending: inout Bool
  ) {
    // One more byte for a pending space, and 8 for the word-at-a-time stores below, which may
    // write past what they keep.
    reserve(bytes.count + 9)
    var out = start + count
    var index = 0
    let end = bytes.count
    guard let source = bytes.baseAddress else { return }
    while index < end {
      var byte = bytes[index]
      if byte > 0x20 && byte != 0xC2 {
        // A run of ordinary bytes (most of any text): copied eight at a time while no byte in
        // the eight is white space, a control or 0xC2, then byte by byte.
        if spacePending {
          out.pointee = 0x20
          out += 1
          spacePending = false
        }
        while index + 8 <= end {
          let raw = UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)
          // The first byte in memory as the lowest, whatever the machine's byte order.
          let word = UInt64(littleEndian: raw)
          let stops = Self.bytesAtOrBelowSpace(word) | Self.bytesEqualToC2(word)
          UnsafeMutableRawPointer(out).storeBytes(of: raw, as: UInt64.self)
          if stops == 0 {
            out += 8
            index += 8
            continue
          }
          // The lowest flag is exact (a borrow only runs upwards): that many bytes are kept.
          let ordinary = stops.trailingZeroBitCount >> 3
          out += ordinary
          index += ordinary
          break
        }
        guard index < end else { break }
        byte = bytes[index]
        while byte > 0x20 && byte != 0xC2 {
          out.pointee = byte
          out += 1
          index += 1
          guard index < end else { break }
          byte = bytes[index]
        }
        continue
      }
      if TextScanning.isSpace(at: index, in: bytes) {
        spacePending = out != start
        index += byte == 0xC2 ? 2 : 1
        continue
      }
      // Another control character, or a 0xC2 that does not start a no-break space.
      if spacePending {
        out.pointee = 0x20
        out += 1
        spacePending = false
      }
      out.pointee = byte
      out += 1
      index += 1
    }
    count = out - start
  }
}

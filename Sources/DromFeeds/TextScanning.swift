/// Whitespace handling on UTF-8 bytes: Foundation's character-set trimming and `Character`
/// classification dominated the reader's profile, and feeds only need ASCII white space and
/// the no-break space.
enum TextScanning {
  @inline(__always)
  private static func isASCIISpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
  }

  /// Runs of white space (and no-break spaces) become one space; none at either end.
  static func collapseWhitespace(_ text: String) -> String {
    var text = text
    return text.withUTF8 { collapseWhitespace(bytes: $0) }
  }

  /// `collapseWhitespace` over UTF-8 bytes, copying the runs between spaces whole.
  static func collapseWhitespace(bytes: UnsafeBufferPointer<UInt8>) -> String {
    let count = bytes.count
    guard let source = bytes.baseAddress, count > 0 else { return "" }
    // Collapsing never lengthens the text, so the result fits in the input's size.
    return String(unsafeUninitializedCapacity: count) { out in
      var written = 0
      var index = 0
      var pendingSpace = false
      while index < count {
        var end = index
        while end < count, !isSpace(at: end, in: bytes) { end += 1 }
        if end > index {
          if pendingSpace {
            out[written] = 0x20
            written += 1
            pendingSpace = false
          }
          (out.baseAddress! + written).update(from: source + index, count: end - index)
          written += end - index
          index = end
        } else {
          pendingSpace = written > 0
          index += bytes[index] == 0xC2 ? 2 : 1
        }
      }
      return written
    }
  }

  /// An ASCII white-space byte, or the first byte of a no-break space (U+00A0, C2 A0).
  @inline(__always)
  static func isSpace(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let byte = bytes[index]
    if byte <= 0x20 { return isASCIISpace(byte) }
    return byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0
  }

  /// The bytes without ASCII white space at either end.
  static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var start = 0
    var end = bytes.count
    while start < end, isASCIISpace(bytes[start]) { start += 1 }
    while end > start, isASCIISpace(bytes[end - 1]) { end -= 1 }
    return UnsafeBufferPointer(rebasing: bytes[start..<end])
  }

  /// The text without ASCII white space at either end.
  static func trim(_ text: String) -> String {
    let utf8 = text.utf8
    guard let first = utf8.first, let last = utf8.last, isASCIISpace(first) || isASCIISpace(last)
    else { return text }
    guard let start = utf8.firstIndex(where: { !isASCIISpace($0) }),
      let end = utf8.lastIndex(where: { !isASCIISpace($0) })
    else { return "" }
    return String(text[start...end])
  }
}

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
    return text.withUTF8 { bytes in
      var out = [UInt8]()
      out.reserveCapacity(bytes.count)
      var pendingSpace = false
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        if isASCIISpace(byte) {
          pendingSpace = !out.isEmpty
          index += 1
        } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
          pendingSpace = !out.isEmpty
          index += 2
        } else {
          if pendingSpace {
            out.append(0x20)
            pendingSpace = false
          }
          out.append(byte)
          index += 1
        }
      }
      return String(decoding: out, as: UTF8.self)
    }
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

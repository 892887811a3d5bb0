/// Escapes text for HTML element content and quoted attribute values.
public enum HTMLEscaping {
  public static func escape(_ text: String) -> String {
    guard text.utf8.contains(where: needsEscape) else { return text }
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count + 16)
    append(text.utf8, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  @inline(__always)
  static func needsEscape(_ byte: UInt8) -> Bool {
    byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
  }

  /// Appends escaped UTF-8 to a byte buffer: the fast path for builders of whole pages.
  static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
    let done: Void? = bytes.withContiguousStorageIfAvailable { append(contiguous: $0, to: &out) }
    if done == nil {
      for byte in bytes { append(byte, to: &out) }
    }
  }

  /// Copies the runs between characters to escape whole; most text has none.
  static func append(contiguous bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    var runStart = 0
    for index in 0..<bytes.count {
      let byte = bytes[index]
      // Every character to escape is below 0x3F: one comparison passes over letters.
      guard byte < 0x3F, needsEscape(byte) else { continue }
      if index > runStart {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
      }
      append(byte, to: &out)
      runStart = index + 1
    }
    if runStart < bytes.count {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
  }

  @inline(__always)
  private static func append(_ byte: UInt8, to out: inout [UInt8]) {
    guard needsEscape(byte) else {
      out.append(byte)
      return
    }
    let replacement = entity(for: byte)
    out.append(
      contentsOf: UnsafeBufferPointer(
        start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
  }

  /// The entity that replaces a byte for which `needsEscape` is true.
  @inline(__always)
  static func entity(for byte: UInt8) -> StaticString {
    switch byte {
    case 0x26: "&amp;"
    case 0x3C: "&lt;"
    case 0x3E: "&gt;"
    case 0x22: "&quot;"
    default: "&#39;"
    }
  }
}

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
    for byte in bytes {
      switch byte {
      case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
      case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
      case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
      case 0x22: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
      case 0x27: out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
      default: out.append(byte)
      }
    }
  }
}

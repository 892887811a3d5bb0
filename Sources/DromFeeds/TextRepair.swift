/// Turns the UTF-8 bytes libxml2 delivers into text, mending the commonest CMS mistake on the
/// way: Windows-1252 bytes declared as ISO-8859-1, which arrive as C1 control characters
/// (U+0080–U+009F) that no real text contains.
enum TextRepair {
  /// The text with its C1 controls read as Windows-1252, or nil when it has none (nearly
  /// always: the check is a byte scan).
  static func repaired(
    _ bytes: UnsafeBufferPointer<UInt8>, diagnostics: DiagnosticCollector, line: Int
  ) -> String.UTF8View? {
    guard containsC1Control(bytes) else { return nil }
    if !diagnostics.has("feed.charset-repaired") {
      diagnostics.add(
        .warning, "feed.charset-repaired", line: line,
        "the text holds Windows-1252 characters (such as curly quotes or €) but the feed declares ISO-8859-1; they were read as Windows-1252. Declare encoding=\"windows-1252\", or better save the feed as UTF-8"
      )
    }
    var scalars = String.UnicodeScalarView()
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
      if (0x80...0x9F).contains(scalar.value),
        let mapped = windows1252[Int(scalar.value - 0x80)]
      {
        scalars.append(mapped)
      } else {
        scalars.append(scalar)
      }
    }
    return String(scalars).utf8
  }

  /// True when the UTF-8 holds a C1 control, encoded as 0xC2 0x80…0x9F. (0xC2 never ends
  /// valid UTF-8 and is never a continuation byte, so a byte scan cannot misread a character.)
  private static func containsC1Control(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    var index = 0
    while index + 1 < buffer.count {
      if buffer[index] == 0xC2, (0x80...0x9F).contains(buffer[index + 1]) { return true }
      index += 1
    }
    return false
  }

  /// Windows-1252 0x80–0x9F; nil where the code page leaves a byte undefined.
  private static let windows1252: [Unicode.Scalar?] = [
    "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
    "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
    nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
    "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
  ]
}

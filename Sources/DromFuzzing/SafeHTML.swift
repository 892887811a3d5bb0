/// Reads markup the sanitiser wrote and says what is wrong with it, if anything: an element or
/// attribute outside its allowlist, a link with a scheme that can run code, an unbalanced tag.
///
/// The sanitiser writes one regular shape (`<name attribute="escaped value">`, `</name>`,
/// text with `&`, `<`, `>` and `"` escaped), so a scanner of that shape is enough: anything it
/// cannot read is itself a finding.
enum SafeHTML {
  /// The elements the sanitiser may write, with their attributes besides `lang` and `dir`
  /// (`rel` is the one it adds to links). Headings arrive moved two levels down.
  static let elements: [String: Set<String>] = [
    "p": [], "br": [], "hr": [], "a": ["href", "title", "hreflang", "rel"],
    "ul": [], "ol": ["start"], "li": [], "dl": [], "dt": [], "dd": [],
    "em": [], "strong": [], "b": [], "i": [], "u": [], "s": [], "sub": [], "sup": [],
    "small": [], "mark": [], "abbr": ["title"], "cite": [], "q": [], "blockquote": [],
    "code": [], "pre": [], "kbd": [],
    "table": [], "caption": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
    "th": ["colspan", "rowspan", "scope"], "td": ["colspan", "rowspan"],
    "h3": [], "h4": [], "h5": [], "h6": [],
  ]
  static let voidElements: Set<String> = ["br", "hr"]
  static let safeSchemes = ["http:", "https:", "mailto:", "tel:"]

  /// Nil when the markup is what the sanitiser promises; else the first thing wrong, with
  /// where it is.
  static func problem(in html: String) -> String? {
    let bytes = Array(html.utf8)
    var open: [String] = []
    var index = 0
    func word() -> String {
      let start = index
      while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }
    func context(_ at: Int) -> String {
      String(decoding: bytes[max(0, at - 20)..<min(bytes.count, at + 40)], as: UTF8.self)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") {
        return
          "an unescaped '\(Character(Unicode.Scalar(byte)))' in text at \(index): \(context(index))"
      }
      guard byte == UInt8(ascii: "<") else {
        index += 1
        continue
      }
      let tagStart = index
      index += 1
      let closing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
      if closing { index += 1 }
      let name = word()
      guard let allowed = elements[name] else {
        return "the element <\(name)> at \(tagStart): \(context(tagStart))"
      }
      if closing {
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
          return "an end tag that does not end at \(tagStart): \(context(tagStart))"
        }
        index += 1
        guard open.popLast() == name else {
          return "</\(name)> closes what it did not open at \(tagStart): \(context(tagStart))"
        }
        continue
      }
      while index < bytes.count, bytes[index] == 0x20 {
        index += 1
        let attribute = word()
        guard allowed.contains(attribute) || attribute == "lang" || attribute == "dir" else {
          return "the attribute \(attribute) on <\(name)> at \(tagStart): \(context(tagStart))"
        }
        guard bytes[index...].starts(with: "=\"".utf8) else {
          return "an attribute without a quoted value at \(tagStart): \(context(tagStart))"
        }
        index += 2
        let valueStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
          if bytes[index] == UInt8(ascii: "<") || bytes[index] == UInt8(ascii: ">") {
            return "an unescaped '<' or '>' in an attribute at \(tagStart): \(context(tagStart))"
          }
          index += 1
        }
        guard index < bytes.count else {
          return "an attribute value that never ends at \(tagStart): \(context(tagStart))"
        }
        let value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
        index += 1
        if attribute == "href", !isSafeLink(value) {
          return "the link '\(value)' at \(tagStart): \(context(tagStart))"
        }
      }
      guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
        return "a start tag that does not end at \(tagStart): \(context(tagStart))"
      }
      index += 1
      if !voidElements.contains(name) { open.append(name) }
    }
    return open.isEmpty ? nil : "<\(open.last!)> is never closed"
  }

  /// What a browser would follow: an http(s), mailto or tel address, or a fragment.
  static func isSafeLink(_ value: String) -> Bool {
    let lower = value.lowercased()
    return lower.hasPrefix("#") || safeSchemes.contains { lower.hasPrefix($0) }
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
  }
}

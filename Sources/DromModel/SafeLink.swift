/// Addresses partners give (a contact's web site or telephone, a law's ELI, a licence), as links
/// a page may carry. Escaping keeps them inside the attribute, but `javascript:` or `data:` would
/// still run when clicked: only web addresses become links, and a telephone number's link is
/// rebuilt from its digits. Read as browsers read them: tabs and line breaks anywhere are
/// ignored, and so are controls and spaces around (`java\tscript:` is `javascript:`).
public enum SafeLink {
  /// `raw` when it is an absolute http or https address, else nil.
  public static func web(_ raw: String) -> String? {
    let cleaned = browserForm(raw)
    guard let colon = cleaned.firstIndex(of: ":") else { return nil }
    let scheme = cleaned[..<colon].lowercased()
    guard scheme == "http" || scheme == "https", cleaned[colon...].hasPrefix("://") else {
      return nil
    }
    return cleaned
  }

  /// A `tel:` address made of the number's digits (and a leading +), or nil when it has too
  /// few digits to be a number.
  public static func telephone(_ raw: String) -> String? {
    var number = Substring(browserForm(raw))
    if number.lowercased().hasPrefix("tel:") { number = number.dropFirst(4) }
    var kept = ""
    for character in number {
      if character.isASCII && character.isNumber {
        kept.append(character)
      } else if character == "+" && kept.isEmpty {
        kept.append(character)
      } else if character == ";" {
        break  // RFC 3966 parameters (;ext=…) are not dialled
      }
    }
    return kept.filter(\.isNumber).count >= 3 ? "tel:" + kept : nil
  }

  /// How a browser reads an address before its scheme: without ASCII tabs and line breaks, and
  /// without leading and trailing controls and spaces (WHATWG URL standard).
  static func browserForm(_ raw: String) -> String {
    let scalars = raw.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
    var view = String.UnicodeScalarView(scalars)[...]
    while let first = view.first, first.value <= 0x20 { view = view.dropFirst() }
    while let last = view.last, last.value <= 0x20 { view = view.dropLast() }
    return String(view)
  }
}

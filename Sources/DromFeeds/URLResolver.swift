import Foundation

/// Resolves references against `xml:base` and the document address (RFC 3986 §5).
enum URLResolver {
  static func resolve(_ reference: String, against base: String?) -> String {
    let reference = TextScanning.trim(reference)
    guard let base, !base.isEmpty, !hasScheme(reference) else { return reference }
    guard let baseURL = URL(string: base),
      let resolved = URL(string: reference, relativeTo: baseURL)
    else { return reference }
    return resolved.absoluteString
  }

  /// True when the reference starts with `scheme:` (RFC 3986 §3.1), before any `/`, `?` or `#`.
  static func hasScheme(_ reference: String) -> Bool {
    schemeLength(reference) != nil
  }

  /// The scheme in lowercase, or nil for a relative reference.
  static func scheme(of reference: String) -> String? {
    guard let length = schemeLength(reference) else { return nil }
    return String(decoding: reference.utf8.prefix(length).map { $0 | 0x20 }, as: UTF8.self)
  }

  /// Whether the reference is an absolute http(s) URL with a host.
  static func isWebAddress(_ reference: String) -> Bool {
    guard let scheme = scheme(of: reference), scheme == "http" || scheme == "https" else {
      return false
    }
    let rest = reference.utf8.dropFirst(scheme.count + 1)
    guard rest.starts(with: "//".utf8) else { return false }
    guard let first = rest.dropFirst(2).first else { return false }
    return first != UInt8(ascii: "/") && first != UInt8(ascii: "?") && first != UInt8(ascii: "#")
  }

  private static func schemeLength(_ reference: String) -> Int? {
    var length = 0
    for byte in reference.utf8 {
      if byte == UInt8(ascii: ":") { return length > 0 ? length : nil }
      let isLetter = (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
      let isOther = (0x30...0x39).contains(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E
      guard isLetter || (length > 0 && isOther) else { return nil }
      length += 1
    }
    return nil
  }
}

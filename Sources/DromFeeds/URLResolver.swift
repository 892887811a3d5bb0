import Foundation

/// Resolves references against `xml:base` and the document address (RFC 3986 §5).
enum URLResolver {
  static func resolve(_ reference: String, against base: String?) -> String {
    let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let base, !base.isEmpty, !hasScheme(reference) else { return reference }
    guard let baseURL = URL(string: base),
      let resolved = URL(string: reference, relativeTo: baseURL)
    else { return reference }
    return resolved.absoluteString
  }

  /// True when the reference starts with `scheme:` (RFC 3986 §3.1), before any `/`, `?` or `#`.
  static func hasScheme(_ reference: String) -> Bool {
    scheme(of: reference) != nil
  }

  static func scheme(of reference: String) -> String? {
    guard let colon = reference.firstIndex(of: ":") else { return nil }
    let candidate = reference[..<colon]
    guard let first = candidate.first, first.isASCII, first.isLetter,
      candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
    else { return nil }
    return candidate.lowercased()
  }
}

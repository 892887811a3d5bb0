import Foundation

/// A BCP 47 language tag in its canonical case: `sr-Latn`, `en-GB`, `de`.
///
/// Only the case conventions of RFC 5646 §2.1.1 are applied (language lowercase, script title
/// case, region uppercase); the tag's subtags are otherwise kept as the partner wrote them.
public struct LanguageTag: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
  public let value: String

  /// Returns nil for text that cannot be a language tag (empty, spaces, wrong characters).
  public init?(_ raw: String) {
    let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(
      of: "_", with: "-")
    guard !trimmed.isEmpty, trimmed.count <= 64,
      trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    else { return nil }
    let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
    guard let first = parts.first, (1...8).contains(first.count), first.allSatisfy(\.isLetter),
      parts.allSatisfy({ (1...8).contains($0.count) })
    else { return nil }
    var out: [String] = [first.lowercased()]
    for part in parts.dropFirst() {
      if part.count == 4, part.allSatisfy(\.isLetter) {
        out.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
      } else if part.count == 2, part.allSatisfy(\.isLetter) {
        out.append(part.uppercased())
      } else {
        out.append(part.lowercased())
      }
    }
    value = out.joined(separator: "-")
  }

  /// The primary language subtag: `sr` for `sr-Latn`.
  public var primary: String {
    String(value.split(separator: "-").first ?? Substring(value))
  }

  public var description: String { value }

  public init(from decoder: any Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(String.self)
    guard let tag = LanguageTag(raw) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a BCP 47 tag: \(raw)"))
    }
    self = tag
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(value)
  }

  public static func < (lhs: LanguageTag, rhs: LanguageTag) -> Bool { lhs.value < rhs.value }
}

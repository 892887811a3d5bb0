import Foundation
import Yams

/// A mapping profile: which column of a sheet holds what (docs/importers.md). Written by hand,
/// in YAML, by people who are not programmers: every mistake is told with its line.
public struct ImportProfile: Sendable {
  public struct Feed: Sendable, Decodable {
    public var id: String
    public var title: String
    public var author: String?
    public var language: String
    public var link: String?
  }

  /// The column names one field may have in the sheet (the first found is used).
  public struct Columns: Sendable, Decodable {
    public var names: [String]

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let one = try? container.decode(String.self) {
        names = [one]
      } else {
        names = try container.decode([String].self)
      }
    }

    init(_ names: [String]) { self.names = names }
  }

  public struct IDRule: Sendable, Decodable {
    public var column: String?
    public var from: [String]?
  }

  public var version: Int
  public var kind: String
  public var feed: Feed
  public var sheet: String?
  public var headerRow: Int?
  public var monthFirst: Bool
  public var id: IDRule
  public var columns: [String: Columns]
  public var translations: [String: [String: Columns]]
  public var constants: [String: String]
  /// Where the profile was read from, for messages.
  public var file: String

  /// The fields a profile may map; anything else is a typo.
  public static let fields: Set<String> = [
    "title", "summary", "content", "link", "kind", "themes", "target-groups", "domains", "grounds",
    "event-types", "resource-types", "tags", "city", "country", "nuts", "lau", "updated",
    "published", "start", "end", "language", "jurisdiction", "eli", "identifier", "evidence",
    "outcome", "funding", "source", "part-of", "licence", "contact.name", "contact.organisation",
    "contact.role", "contact.email", "contact.phone", "contact.address", "contact.languages",
    "contact.url", "contact.consent", "contact.consent-expires",
  ]
  static let translatable: Set<String> = ["title", "summary", "content", "link"]

  private struct Raw: Decodable {
    var profile: Int
    var kind: String?
    var feed: Feed
    var sheet: String?
    var headerRow: Int?
    var dateFormat: String?
    var id: IDRule?
    var columns: [String: Columns]?
    var translations: [String: [String: Columns]]?
    var constants: [String: String]?

    enum CodingKeys: String, CodingKey {
      case profile, kind, feed, sheet, id, columns, translations, constants
      case headerRow = "header-row"
      case dateFormat = "date-format"
    }
  }

  public struct Problem: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): error: import.profile \(message)" }
  }

  public static func load(path: String) throws -> ImportProfile {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw Problem(file: path, message: "cannot read the profile: \(error.localizedDescription)")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws -> ImportProfile {
    let raw: Raw
    do {
      raw = try YAMLDecoder().decode(Raw.self, from: text)
    } catch let error as YamlError {
      throw Problem(file: file, message: "the YAML cannot be read: \(error)")
    } catch let DecodingError.keyNotFound(key, context) {
      throw Problem(
        file: file,
        message:
          "'\(path(context.codingPath + [key]))' is missing: every profile needs profile, feed.id, feed.title and feed.language (see docs/importers.md)"
      )
    } catch let DecodingError.typeMismatch(_, context) {
      throw Problem(
        file: file,
        message: "'\(path(context.codingPath))' has the wrong shape: \(context.debugDescription)")
    } catch {
      throw Problem(file: file, message: "\(error)")
    }
    guard raw.profile == 1 else {
      throw Problem(
        file: file, message: "profile: \(raw.profile) is not a version this Drom reads (1)")
    }
    var columns = raw.columns ?? [:]
    var constants = raw.constants ?? [:]
    for field in Set(columns.keys).union(constants.keys) where !fields.contains(field) {
      let close = fields.sorted().min { distance($0, field) < distance($1, field) } ?? ""
      throw Problem(
        file: file,
        message:
          "'\(field)' is not a field a profile can map; did you mean '\(close)'? (the fields are listed in docs/importers.md)"
      )
    }
    for (language, mapped) in raw.translations ?? [:] {
      for field in mapped.keys where !translatable.contains(field) {
        throw Problem(
          file: file,
          message:
            "translations.\(language).\(field): only \(translatable.sorted().joined(separator: ", ")) have translations"
        )
      }
    }
    if columns["title"] == nil && constants["title"] == nil {
      columns["title"] = Columns(["title"])
    }
    if let format = raw.dateFormat, !["day-first", "month-first"].contains(format) {
      throw Problem(
        file: file, message: "date-format: '\(format)' is neither day-first nor month-first")
    }
    if let header = raw.headerRow, header < 1 {
      throw Problem(
        file: file, message: "header-row: \(header) is not a row number (rows start at 1)")
    }
    constants = constants.mapValues { $0.trimmed() }
    return ImportProfile(
      version: raw.profile, kind: raw.kind ?? "practice", feed: raw.feed, sheet: raw.sheet,
      headerRow: raw.headerRow, monthFirst: raw.dateFormat == "month-first",
      id: raw.id ?? IDRule(column: nil, from: nil), columns: columns,
      translations: raw.translations ?? [:],
      constants: constants, file: file)
  }

  private static func path(_ keys: [any CodingKey]) -> String {
    keys.map(\.stringValue).joined(separator: ".")
  }

  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...max(b.count, 1) where !b.isEmpty {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}

import DromModel
import DromStore
import DromVocabulary
import Foundation

/// Names of facet values in the reader's language: kinds from the locale strings, themes and
/// target groups from the vocabularies, countries and languages from the system's locale data.
struct Labels {
  let strings: [String: String]
  let vocabulary: Vocabulary
  let language: String

  static let schemes: [Facet: String] = [
    .theme: "https://w3id.org/drom/vocab/themes",
    .audience: "https://w3id.org/drom/vocab/target-groups",
  ]

  func label(_ facet: Facet, _ value: String) -> String {
    switch facet {
    case .kind:
      return strings["kind_" + value] ?? value
    case .jurisdiction:
      return strings["jurisdiction_" + value] ?? value
    case .theme, .audience:
      if let scheme = Self.schemes[facet],
        let concept = vocabulary.concept(scheme: scheme, term: value)
      {
        return vocabulary.label(concept, language: language)
      }
      return value
    case .country:
      return Locale(identifier: language).localizedString(forRegionCode: value) ?? value
    case .language:
      return Locale(identifier: language).localizedString(forLanguageCode: value) ?? value
    case .concept:
      return vocabulary.concepts[value].map { vocabulary.label($0, language: language) } ?? value
    case .city, .category:
      return value
    }
  }

  func conceptLabels(_ uris: [String], scheme: String) -> [String] {
    uris.filter { $0.hasPrefix(scheme + "/") }.compactMap { vocabulary.concepts[$0] }
      .map { vocabulary.label($0, language: language) }
  }
}

/// The marks a search puts around matched words for pages: control characters no text
/// contains, turned into `<mark>` after escaping.
public enum Highlight {
  public static let open = "\u{2}"
  public static let close = "\u{3}"

  /// Escapes a snippet and turns the search's highlight marks into `<mark>` elements.
  static func html(_ snippet: String) -> String {
    escape(snippet).replacingOccurrences(of: open, with: "<mark>")
      .replacingOccurrences(of: close, with: "</mark>")
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

extension Date {
  /// `2026-03-01` (UTC), by arithmetic: a formatter per date was a fifth of an export's time.
  var day: String { CivilDate.day(self) }
}

import DromModel

/// The dimensions search results can be filtered and counted by.
public enum Facet: String, CaseIterable, Codable, Sendable {
  case kind, language, country, city, theme, category, audience, concept, jurisdiction
}

enum Facets {
  static let schemes = (
    themes: "https://w3id.org/drom/vocab/themes",
    targetGroups: "https://w3id.org/drom/vocab/target-groups"
  )

  /// An entry's facet values. Without places of its own, an entry is where its partner is.
  static func values(of entry: Entry, source: SourceDescription) -> [(Facet, String)] {
    var values: [(Facet, String)] = [(.kind, entry.kind.rawValue)]
    if let language = entry.language { values.append((.language, language.primary)) }
    let countries = entry.places.compactMap(\.country)
    for country in countries.isEmpty ? [source.country].compactMap({ $0 }) : countries {
      values.append((.country, country))
    }
    // A national or European law names its country or the Union, not a city.
    let namesCities = entry.kind != .law || entry.legal?.jurisdiction == .city
    let cities = namesCities ? entry.places.compactMap(\.name) : []
    let fallbackCity = namesCities ? source.city : nil
    for city in cities.isEmpty ? [fallbackCity].compactMap({ $0 }) : cities {
      values.append((.city, city))
    }
    if entry.concepts.isEmpty && entry.tags.isEmpty {
      // Not tagged against the vocabularies: facet by what the feed says.
      for category in entry.categories {
        if category.scheme == schemes.themes {
          values.append((.theme, category.term))
        } else {
          values.append((.category, category.label ?? category.term))
        }
      }
      for audience in entry.audiences { values.append((.audience, audience)) }
    } else {
      for uri in entry.concepts {
        values.append((.concept, uri))
        let term = String(uri.split(separator: "/").last ?? "")
        if uri.hasPrefix(schemes.themes + "/") { values.append((.theme, term)) }
        if uri.hasPrefix(schemes.targetGroups + "/") { values.append((.audience, term)) }
      }
      for tag in entry.tags { values.append((.category, tag)) }
    }
    if let jurisdiction = entry.legal?.jurisdiction {
      values.append((.jurisdiction, jurisdiction.rawValue))
    }
    return values
  }
}

import DromModel

/// The dimensions search results can be filtered and counted by.
public enum Facet: String, CaseIterable, Codable, Sendable {
  case kind, language, country, city, theme, category, audience
}

enum Facets {
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
    for category in entry.categories {
      if category.scheme == "https://w3id.org/drom/vocab/themes" {
        values.append((.theme, category.term))
      } else {
        values.append((.category, category.label ?? category.term))
      }
    }
    for audience in entry.audiences { values.append((.audience, audience)) }
    return values
  }
}

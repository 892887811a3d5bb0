import DromModel
import Foundation
import GRDB

/// An entry as its page shows it: the normalised entry and where it came from.
public struct StoredEntry: Sendable {
  public var slug: String
  public var entry: Entry
  public var source: SourceDescription
  public var firstSeen: Date
  public var lastChanged: Date
  /// Other partners publishing the same practice.
  public var alsoPublishedBy: [String]
  /// The same entry in other languages (the partner's translations).
  public var translations: [Translation]

  public struct Translation: Sendable, Codable {
    public var slug: String
    public var language: String?
    public var title: String
  }
}

/// What the home page counts.
public struct IndexOverview: Sendable, Codable {
  public var entries: Int
  public var sources: Int
  public var byKind: [FacetCount]
  public var byCountry: [FacetCount]
  public var byTheme: [FacetCount]
  /// Every city with entries, most first, and the country most of its entries name.
  public var byCity: [FacetCount] = []
  public var cityCountries: [String: String] = [:]
  /// When the newest harvest ended: how old the index is.
  public var lastHarvest: Date?
}

extension DromDatabase {
  public func entry(slug: String) throws -> StoredEntry? {
    try pool.read { db in
      guard
        // Cached statements: the static export reads every entry, and compiling these three
        // each time cost more than running them.
        let row = try Row.fetchOne(
          db.cachedStatement(
            sql: """
              SELECT entry.data, entry.slug, entry.firstSeen, entry.lastChanged, entry.clusterKey,
                entry.sourceId, entry.translationKey, entry.id AS entryRowID, source.*
              FROM entry JOIN source ON source.id = entry.sourceId WHERE entry.slug = ?
              """), arguments: [slug])
      else { return nil }
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      let entry = try decoder.decode(Entry.self, from: Data((row["data"] as String).utf8))
      let source = SourceState(row: row).description
      var others: [String] = []
      if let clusterKey: String = row["clusterKey"] {
        others = try String.fetchAll(
          db.cachedStatement(
            sql: """
              SELECT DISTINCT COALESCE(source.title, source.key) FROM entry
              JOIN source ON source.id = entry.sourceId
              WHERE entry.clusterKey = ? AND entry.sourceId != ? ORDER BY 1
              """), arguments: [clusterKey, row["sourceId"]])
      }
      let translations = try Row.fetchAll(
        db.cachedStatement(
          sql: """
            SELECT slug, language, title FROM entry WHERE translationKey = ? AND id != ?
            ORDER BY language
            """), arguments: [row["translationKey"], row["entryRowID"]]
      ).map {
        StoredEntry.Translation(slug: $0["slug"], language: $0["language"], title: $0["title"])
      }
      return StoredEntry(
        slug: row["slug"], entry: entry, source: source, firstSeen: row["firstSeen"],
        lastChanged: row["lastChanged"], alsoPublishedBy: others, translations: translations)
    }
  }

  public func overview() throws -> IndexOverview {
    try pool.read { db in
      let all = try everything(db)
      let facets = all.facetCounts()
      func top(_ facet: Facet, _ limit: Int) -> [FacetCount] {
        Array(facets[facet.rawValue, default: []].prefix(limit))
      }
      return IndexOverview(
        entries: all.rows.count,
        sources: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM source") ?? 0,
        byKind: top(.kind, 10), byCountry: top(.country, 40), byTheme: top(.theme, 20),
        byCity: Array(facets[Facet.city.rawValue, default: []].prefix(1000)),
        cityCountries: try cityCountries(db),
        lastHarvest: try Date.fetchOne(db, sql: "SELECT MAX(finishedAt) FROM harvest"))
    }
  }

  /// For each city, the country most of its entries name: a city's name alone is ambiguous
  /// (there is a Sevilla in Colombia and a Ragusa in Croatia).
  private func cityCountries(_ db: Database) throws -> [String: String] {
    var countries: [String: String] = [:]
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT city.value AS city, country.value AS country, COUNT(*) AS n
        FROM entryFacet city
        JOIN entryFacet country ON country.entryId = city.entryId AND country.facet = 'country'
        WHERE city.facet = 'city'
        GROUP BY city.value, country.value
        ORDER BY n DESC, country.value
        """)
    while let row = try rows.next() {
      let city: String = row["city"]
      if countries[city] == nil { countries[city] = row["country"] }
    }
    return countries
  }

  /// Every value of every facet with the number of entries it has, most first: what the
  /// listing pages (a city's, a theme's) are made of.
  public func facetCounts() throws -> [Facet: [FacetCount]] {
    try pool.read { db in
      var counts: [Facet: [FacetCount]] = [:]
      for (name, values) in try everything(db).facetCounts() {
        if let facet = Facet(rawValue: name) { counts[facet] = values }
      }
      return counts
    }
  }

  /// Every entry, its facets counted by the same code as a search's.
  private func everything(_ db: Database) throws -> Matches {
    var all = Matches(SearchQuery(text: ""), table: try searchTables.table(for: db))!
    all.admitAll()
    return all
  }

  /// Every entry's page address, in a stable order: what the static export writes a page for.
  public func entrySlugs() throws -> [String] {
    try pool.read { db in
      try String.fetchAll(db, sql: "SELECT slug FROM entry WHERE slug IS NOT NULL ORDER BY slug")
    }
  }
}

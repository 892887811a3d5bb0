import Foundation
import GRDB

/// What each entry's pages are made of, as fingerprints read in one pass over the index without
/// decoding any entry: how the static export tells, before making a page, whether the last
/// export's copy of it still holds. An entry's stored JSON and its hash change together, so the
/// hash stands for the whole normalised entry.
public struct PageInputs: Sendable {
  public struct Entry: Sendable {
    public var id: Int64
    public var slug: String
    /// The entry's own page: the entry, its partner, the other partners publishing it, its
    /// translations.
    public var page: String
    /// Its hit in a listing: the entry, its partner's name, the other partners' names.
    public var hit: String
  }

  /// Every entry with a page, by slug.
  public var entries: [Entry]
  private var hitByID: [Int64: String]

  /// The fingerprint of an entry's hit; nil for an entry not in the index.
  public func hit(_ id: Int64) -> String? { hitByID[id] }

  init(entries: [Entry]) {
    self.entries = entries
    hitByID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.hit) })
  }
}

extension DromDatabase {
  public func pageInputs() throws -> PageInputs {
    try pool.read { db in
      struct Partner {
        var key: String
        var name: String
        var description: String
      }
      var partners: [Int64: Partner] = [:]
      let encoder = JSONEncoder()
      encoder.outputFormatting = .sortedKeys
      for row in try Row.fetchAll(db, sql: "SELECT * FROM source") {
        let state = SourceState(row: row)
        partners[state.id] = Partner(
          key: state.description.key, name: row["title"] ?? state.description.key,
          description: String(decoding: try encoder.encode(state.description), as: UTF8.self))
      }
      struct EntryRow {
        var id: Int64
        var slug: String
        var dataHash: String
        var lastChanged: Double
        var source: Int64
        var language: String?
        var title: String
        var translationKey: String?
        var clusterKey: String?
      }
      var rows: [EntryRow] = []
      let cursor = try Row.fetchCursor(
        db,
        sql: """
          SELECT id, slug, dataHash, julianday(lastChanged), sourceId, language, title,
            translationKey, clusterKey
          FROM entry WHERE slug IS NOT NULL ORDER BY slug
          """)
      while let row = try cursor.next() {
        rows.append(
          EntryRow(
            id: row[0], slug: row[1], dataHash: row[2], lastChanged: row[3], source: row[4],
            language: row[5], title: row[6], translationKey: row[7], clusterKey: row[8]))
      }
      var translations: [String: [Int]] = [:]
      var copies: [String: [Int]] = [:]
      for (index, row) in rows.enumerated() {
        if let key = row.translationKey { translations[key, default: []].append(index) }
        if let key = row.clusterKey { copies[key, default: []].append(index) }
      }
      let entries = rows.map { row -> PageInputs.Entry in
        let partner = partners[row.source]
        // As the page lists them: the other partners' names, and the other language versions.
        let others = Set(
          (row.clusterKey.flatMap { copies[$0] } ?? []).map { rows[$0].source }
            .filter { $0 != row.source }
            .compactMap { partners[$0]?.name }
        ).sorted()
        let versions = (row.translationKey.flatMap { translations[$0] } ?? [])
          .filter { rows[$0].id != row.id }
          .map { "\(rows[$0].slug) \(rows[$0].language ?? "") \(rows[$0].title)" }.sorted()
        let content = [row.dataHash, row.slug, String(row.lastChanged)]
        return PageInputs.Entry(
          id: row.id, slug: row.slug,
          page: Fingerprint.of(
            content + [partner?.description ?? "", others.joined(separator: "\n")] + versions),
          hit: Fingerprint.of(
            content + [partner?.key ?? "", partner?.name ?? "", others.joined(separator: "\n")]))
      }
      return PageInputs(entries: entries)
    }
  }

  /// Every entry a search without words lists with these filters, in order: a listing whole,
  /// one version per translation group and one copy per shared practice, as `search` shows
  /// them. The static export slices it into pages.
  public func listing(
    filters: [Facet: [String]], readerLanguage: String?, sort: SearchSort = .relevance
  ) throws -> [Int64] {
    try pool.read { db in
      var query = SearchQuery(text: "", filters: filters)
      query.readerLanguage = readerLanguage
      let table = try searchTables.table(for: db)
      guard var matches = Matches(query, table: table) else { return [] }
      matches.admitAll()
      return matches.collapsed(
        readerLanguage: readerLanguage, sort: sort, offset: 0, limit: table.items.count
      ).page.map(\.id)
    }
  }

  /// A listing's page: the hits of these entries, in this order, out of `total`.
  public func listingPage(_ ids: some Collection<Int64>, total: Int) throws -> SearchResults {
    try pool.read { db in
      SearchResults(
        total: total,
        hits: try hits(db, page: ids.map { ($0, Matches.conceptOnlyScore) }, textMatch: nil),
        facets: [:])
    }
  }
}

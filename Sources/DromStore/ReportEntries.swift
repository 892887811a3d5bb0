import DromModel
import Foundation
import GRDB

/// An entry as the documents made from the index use it (a city's local diagnosis, a visit
/// plan): the whole normalised entry, its partner with its harvest times, its facet values.
public struct ReportEntry: Sendable {
  public var slug: String
  public var entry: Entry
  public var source: SourceState
  public var facets: [Facet: [String]]
  /// The stored entry's hash: it changes exactly when the entry does.
  public var dataHash = ""

  public func values(_ facet: Facet) -> [String] { facets[facet] ?? [] }
}

/// Which entries a document needs. Every facet listed must hold one of its values; none of the
/// excluded values may be held.
public struct ReportFilter: Sendable {
  public var kinds: [EntryKind]
  public var facets: [Facet: [String]]
  public var excluding: [Facet: [String]]
  public var limit: Int?

  public init(
    kinds: [EntryKind] = [], facets: [Facet: [String]] = [:],
    excluding: [Facet: [String]] = [:], limit: Int? = nil
  ) {
    self.kinds = kinds
    self.facets = facets
    self.excluding = excluding
    self.limit = limit
  }
}

extension DromDatabase {
  /// The entries a filter admits, in page-address order (stable from run to run).
  public func reportEntries(_ filter: ReportFilter) throws -> [ReportEntry] {
    var conditions: [String] = ["entry.slug IS NOT NULL"]
    var arguments: [any DatabaseValueConvertible] = []
    func list(_ values: [String]) -> String {
      arguments += values
      return Array(repeating: "?", count: values.count).joined(separator: ", ")
    }
    if !filter.kinds.isEmpty {
      conditions.append("entry.kind IN (\(list(filter.kinds.map(\.rawValue))))")
    }
    for (facet, values) in filter.facets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      arguments.append(facet.rawValue)
      conditions.append(
        """
        EXISTS (SELECT 1 FROM entryFacet f WHERE f.entryId = entry.id AND f.facet = ?
          AND f.value IN (\(list(values))))
        """)
    }
    for (facet, values) in filter.excluding.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      arguments.append(facet.rawValue)
      conditions.append(
        """
        NOT EXISTS (SELECT 1 FROM entryFacet f WHERE f.entryId = entry.id AND f.facet = ?
          AND f.value IN (\(list(values))))
        """)
    }
    let limit = filter.limit.map { " LIMIT \($0)" } ?? ""
    return try reportEntries(
      where: conditions.joined(separator: " AND ") + " ORDER BY entry.slug" + limit,
      arguments: StatementArguments(arguments))
  }

  /// The entries with these page addresses, in the order given; unknown addresses are skipped.
  public func reportEntries(slugs: [String]) throws -> [ReportEntry] {
    guard !slugs.isEmpty else { return [] }
    let found = try reportEntries(
      where: "entry.slug IN (\(Array(repeating: "?", count: slugs.count).joined(separator: ", ")))",
      arguments: StatementArguments(slugs))
    let bySlug = Dictionary(found.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    return slugs.compactMap { bySlug[$0] }
  }

  /// Entries of a kind carrying any of these concepts, outside a city: those carrying the most
  /// first, then by address; at most `limit`. Counted in the facet index, so only the
  /// entries returned are read.
  public func slugsRankedByConcepts(
    _ concepts: [String], kind: EntryKind, excludingCity city: String, limit: Int
  ) throws -> [String] {
    guard !concepts.isEmpty else { return [] }
    return try pool.read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT entry.slug FROM entryFacet f JOIN entry ON entry.id = f.entryId
          WHERE f.facet = 'concept' AND f.value IN (\(Array(repeating: "?", count: concepts.count).joined(separator: ", ")))
            AND entry.kind = ? AND entry.slug IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM entryFacet c WHERE c.entryId = entry.id
              AND c.facet = 'city' AND c.value = ?)
          GROUP BY entry.id ORDER BY COUNT(*) DESC, entry.slug LIMIT ?
          """,
        arguments: StatementArguments(
          concepts.map { $0 as any DatabaseValueConvertible } + [kind.rawValue, city, limit]))
    }
  }

  /// The name entries give the place with this LAU code (`21012` → Sint-Jans-Molenbeek…).
  public func placeName(lau: String) throws -> String? {
    try pool.read { db in
      try String.fetchOne(
        db,
        sql: """
          SELECT json_extract(place.value, '$.name') FROM entry, json_each(entry.data, '$.places') place
          WHERE json_extract(place.value, '$.lau') = ? AND json_extract(place.value, '$.name') IS NOT NULL
          LIMIT 1
          """, arguments: [lau])
    }
  }

  /// The page address of the entry a feed gave this id (`atom:id`, `guid`); the first by
  /// address when several partners use the same id.
  public func slug(forEntryID id: String) throws -> String? {
    try pool.read { db in
      try String.fetchOne(
        db,
        sql: "SELECT slug FROM entry WHERE entryID = ? AND slug IS NOT NULL ORDER BY slug LIMIT 1",
        arguments: [id])
    }
  }

  private func reportEntries(where condition: String, arguments: StatementArguments) throws
    -> [ReportEntry]
  {
    try pool.read { db in
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      var entries: [ReportEntry] = []
      var rowIDs: [Int64] = []
      let rows = try Row.fetchCursor(
        db,
        sql: """
          SELECT entry.id AS entryRowID, entry.slug, entry.data, entry.dataHash, source.*
          FROM entry JOIN source ON source.id = entry.sourceId WHERE \(condition)
          """, arguments: arguments)
      while let row = try rows.next() {
        let entry = try decoder.decode(Entry.self, from: Data((row["data"] as String).utf8))
        entries.append(
          ReportEntry(
            slug: row["slug"], entry: entry, source: SourceState(row: row), facets: [:],
            dataHash: row["dataHash"]))
        rowIDs.append(row["entryRowID"])
      }
      var position: [Int64: Int] = [:]
      for (index, id) in rowIDs.enumerated() { position[id] = index }
      for start in stride(from: 0, to: rowIDs.count, by: 500) {
        let chunk = Array(rowIDs[start..<min(start + 500, rowIDs.count)])
        let facets = try Row.fetchCursor(
          db,
          sql: """
            SELECT entryId, facet, value FROM entryFacet
            WHERE entryId IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))
            ORDER BY entryId, facet, value
            """, arguments: StatementArguments(chunk))
        while let row = try facets.next() {
          guard let index = position[row["entryId"]], let facet = Facet(rawValue: row["facet"])
          else { continue }
          entries[index].facets[facet, default: []].append(row["value"])
        }
      }
      return entries
    }
  }
}

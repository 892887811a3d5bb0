import DromModel
import Foundation
import GRDB

/// A registered source with what the harvester remembers of it between runs.
public struct SourceState: Sendable, Hashable {
  public var id: Int64
  public var description: SourceDescription
  public var etag: String?
  public var lastModified: String?
  public var bodyHash: String?
  public var permanentURL: String?
  public var failures: Int
  public var nextAttemptAt: Date?
  public var lastAttemptAt: Date?
  public var lastSuccessAt: Date?
  public var feedTitle: String?

  /// Where to fetch: a remembered permanent redirect, else the registry's address.
  public var fetchURL: String { permanentURL ?? description.feedURL }

  init(row: Row) {
    id = row["id"]
    description = SourceDescription(
      key: row["key"], title: row["title"] ?? "", feedURL: row["feedURL"], htmlURL: row["htmlURL"],
      language: (row["language"] as String?).flatMap(LanguageTag.init), city: row["city"],
      country: row["country"], nuts: row["nuts"], lau: row["lau"], lauYear: row["lauYear"],
      organisation: row["organisation"], allowPrivateAddress: row["allowPrivateAddress"])
    etag = row["etag"]
    lastModified = row["lastModified"]
    bodyHash = row["bodyHash"]
    permanentURL = row["permanentURL"]
    failures = row["failures"]
    nextAttemptAt = row["nextAttemptAt"]
    lastAttemptAt = row["lastAttemptAt"]
    lastSuccessAt = row["lastSuccessAt"]
    feedTitle = row["feedTitle"]
  }
}

extension DromDatabase {
  /// Adds new sources and updates the descriptions of known ones; fetch state is kept. A
  /// source that left the registry keeps its entries until removed explicitly.
  public func register(_ sources: [SourceDescription]) throws -> [SourceState] {
    try pool.write { db in
      for source in sources {
        try db.execute(
          sql: """
            INSERT INTO source (key, title, feedURL, htmlURL, language, city, country, nuts, lau,
              lauYear, organisation, allowPrivateAddress)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET title = excluded.title, feedURL = excluded.feedURL,
              htmlURL = excluded.htmlURL, language = excluded.language, city = excluded.city,
              country = excluded.country, nuts = excluded.nuts, lau = excluded.lau,
              lauYear = excluded.lauYear, organisation = excluded.organisation,
              allowPrivateAddress = excluded.allowPrivateAddress,
              permanentURL = CASE WHEN source.feedURL = excluded.feedURL THEN source.permanentURL END
            """,
          arguments: [
            source.key, source.title, source.feedURL, source.htmlURL, source.language?.value,
            source.city, source.country, source.nuts, source.lau, source.lauYear,
            source.organisation, source.allowPrivateAddress,
          ])
      }
      let keys = sources.map(\.key)
      return try Row.fetchAll(
        db, sql: "SELECT * FROM source WHERE key IN (\(databaseQuestionMarks(count: keys.count)))",
        arguments: StatementArguments(keys)
      ).map(SourceState.init(row:))
    }
  }

  public func sources() throws -> [SourceState] {
    try pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM source ORDER BY country, city, title").map(
        SourceState.init(row:))
    }
  }
}

extension DromDatabase {
  /// Entries held per source id.
  public func entryCounts() throws -> [Int64: Int] {
    try pool.read { db in
      var counts: [Int64: Int] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT sourceId, COUNT(*) AS n FROM entry GROUP BY sourceId")
      {
        counts[row["sourceId"]] = row["n"]
      }
      return counts
    }
  }
}

extension DromDatabase {
  /// The entries held from one source, as stored (for inspection and tests).
  public func entries(sourceKey: String) throws -> [Entry] {
    try pool.read { db in
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      return try String.fetchAll(
        db,
        sql:
          "SELECT entry.data FROM entry JOIN source ON source.id = entry.sourceId WHERE source.key = ? ORDER BY entry.entryID",
        arguments: [sourceKey]
      ).map { try decoder.decode(Entry.self, from: Data($0.utf8)) }
    }
  }
}

import Crypto
import DromModel
import Foundation
import GRDB

extension DromDatabase {
  static let entryEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }()

  /// Brings one source's entries in line with a freshly read feed, in one transaction with its
  /// harvest record: killed at any moment, the index is as it was before this source's run.
  ///
  /// A changed entry replaces the old one; an unchanged one is not written. Tombstones delete;
  /// a complete feed (RFC 5005) deletes what it no longer lists. Archive pages (`pages` after the
  /// first) add entries but never imply deletions.
  public func sync(
    source: SourceState, pages: [FeedDocument], record: HarvestRecord, memory: FetchMemory,
    now: Date
  ) async throws -> SyncCounts {
    // Encoding and hashing happen before the write transaction, in the caller's task, so the
    // single writer only writes.
    var prepared: [PreparedEntry] = []
    var seen: Set<String> = []
    let changedAt = now.databaseValue
    for page in pages {
      for entry in page.entries where seen.insert(entry.id).inserted {
        prepared.append(try PreparedEntry(entry, source: source, now: changedAt))
      }
    }
    // Awaited, not blocking: a harvest runs on the two cores' cooperative threads, and a thread
    // held waiting for the single writer is a thread that cannot parse the next feed.
    return try await pool.write { [prepared] db in
      var counts = SyncCounts()
      var existing: [String: (rowID: Int64, hash: String)] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT id, entryID, dataHash FROM entry WHERE sourceId = ?",
        arguments: [source.id])
      {
        existing[row["entryID"]] = (row["id"], row["dataHash"])
      }
      var listed: Set<String> = []
      for entry in prepared {
        listed.insert(entry.id)
        if let old = existing[entry.id] {
          if old.hash == entry.hash {
            counts.unchanged += 1
            continue
          }
          try write(entry, rowID: old.rowID, source: source, db: db)
          counts.changed += 1
        } else {
          let rowID = try write(entry, rowID: nil, source: source, db: db)
          existing[entry.id] = (rowID, entry.hash)
          counts.added += 1
        }
      }
      for page in pages {
        for tombstone in page.deletedEntries {
          try db.execute(
            sql: "DELETE FROM entry WHERE sourceId = ? AND entryID = ?",
            arguments: [source.id, tombstone.ref])
          counts.deleted += db.changesCount
          listed.remove(tombstone.ref)
        }
      }
      if let first = pages.first, first.isComplete {
        for (entryID, old) in existing where !listed.contains(entryID) {
          try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [old.rowID])
          counts.deleted += db.changesCount
        }
      }
      var finished = record
      finished.counts = counts
      try insert(finished, sourceID: source.id, db: db)
      try updateSource(
        source.id, record: finished, memory: memory, nextAttemptAt: nil,
        feedTitle: pages.first?.title, db: db)
      return counts
    }
  }

  @discardableResult
  private func write(_ entry: PreparedEntry, rowID: Int64?, source: SourceState, db: Database)
    throws -> Int64
  {
    let id: Int64
    if let rowID {
      try db.cachedStatement(
        sql: """
          UPDATE entry SET kind = ?, language = ?, title = ?, summary = ?, contentText = ?, link = ?,
            published = ?, updated = ?, data = ?, dataHash = ?, clusterKey = ?, lastChanged = ?,
            translationKey = ?
          WHERE id = ?
          """
      ).execute(arguments: StatementArguments(entry.columns + [rowID.databaseValue]))
      try db.cachedStatement(sql: "DELETE FROM entryFacet WHERE entryId = ?").execute(arguments: [
        rowID
      ])
      id = rowID
    } else {
      try db.cachedStatement(
        sql: """
          INSERT INTO entry (kind, language, title, summary, contentText, link, published, updated,
            data, dataHash, clusterKey, lastChanged, translationKey, firstSeen, sourceId, entryID,
            slug)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(
        arguments: StatementArguments(
          entry.columns + [
            entry.changedAt, source.id.databaseValue, entry.id.databaseValue,
            entry.slug.databaseValue,
          ]))
      id = db.lastInsertedRowID
    }
    // One statement for all of an entry's facets: a dozen single-row inserts per entry were a
    // visible share of the single writer's time.
    if !entry.facets.isEmpty {
      var arguments: [DatabaseValue] = []
      for (facet, value) in entry.facets {
        arguments += [id.databaseValue, facet.rawValue.databaseValue, value.databaseValue]
      }
      try db.cachedStatement(
        sql: "INSERT OR IGNORE INTO entryFacet (entryId, facet, value) VALUES "
          + Array(repeating: "(?, ?, ?)", count: entry.facets.count).joined(separator: ", ")
      ).execute(arguments: StatementArguments(arguments))
    }
    return id
  }
}

/// An entry as its row will hold it, computed before the write transaction (in the harvest's
/// own task) so that the single writer only writes: its JSON and hash, facets, slug, cluster,
/// and every column as a database value (GRDB formats dates through a date formatter).
struct PreparedEntry: Sendable {
  var id: String
  var hash: String
  var slug: String
  var changedAt: DatabaseValue
  /// kind … translationKey, in the order of the `entry` columns the sync writes.
  var columns: [DatabaseValue]
  var facets: [(Facet, String)]

  init(_ entry: Entry, source: SourceState, now: DatabaseValue) throws {
    var stored = entry
    stored.line = 0  // where it sits in the feed is not part of what it says
    let data = try DromDatabase.entryEncoder.encode(stored)
    id = entry.id
    hash = Hex.lowercase(SHA256.hash(data: data))
    slug = EntrySlug.make(sourceKey: source.description.key, entryID: entry.id)
    changedAt = now
    let values: [(any DatabaseValueConvertible)?] = [
      entry.kind.rawValue, entry.language?.value, entry.title, entry.summary, entry.content?.text,
      entry.canonicalLink, entry.published, entry.updated, String(decoding: data, as: UTF8.self),
      hash, Self.clusterKey(entry), now, "\(source.id)|\(entry.translationOf ?? entry.id)",
    ]
    columns = values.map { $0?.databaseValue ?? .null }
    facets = []
    for pair in Facets.values(of: entry, source: source.description)
    where !facets.contains(where: { $0 == pair }) {
      facets.append(pair)
    }
  }

  /// The same practice published by two partners shares its identifier or canonical link (and
  /// its kind: a partner's organisation card and its practice may both link to its home page).
  static func clusterKey(_ entry: Entry) -> String? {
    let kind = entry.kind.rawValue + ":"
    if let identifier = entry.identifiers.first { return kind + "id:" + identifier.lowercased() }
    guard var link = entry.canonicalLink?.lowercased() else { return nil }
    if link.hasSuffix("/") { link.removeLast() }
    if link.hasPrefix("http://") { link = "https://" + link.dropFirst(7) }
    return kind + "link:" + link
  }
}

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
  ) throws -> SyncCounts {
    try pool.write { db in
      var counts = SyncCounts()
      var existing: [String: (rowID: Int64, hash: String)] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT id, entryID, dataHash FROM entry WHERE sourceId = ?",
        arguments: [source.id])
      {
        existing[row["entryID"]] = (row["id"], row["dataHash"])
      }
      var listed: Set<String> = []
      for page in pages {
        for entry in page.entries where listed.insert(entry.id).inserted {
          var stored = entry
          stored.line = 0  // where it sits in the feed is not part of what it says
          let data = try Self.entryEncoder.encode(stored)
          let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
          if let old = existing[entry.id] {
            if old.hash == hash {
              counts.unchanged += 1
              continue
            }
            try write(
              stored, data: data, hash: hash, rowID: old.rowID, source: source, now: now, db: db)
            counts.changed += 1
          } else {
            let rowID = try write(
              stored, data: data, hash: hash, rowID: nil, source: source, now: now, db: db)
            existing[entry.id] = (rowID, hash)
            counts.added += 1
          }
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
  private func write(
    _ entry: Entry, data: Data, hash: String, rowID: Int64?, source: SourceState, now: Date,
    db: Database
  ) throws -> Int64 {
    let json = String(decoding: data, as: UTF8.self)
    let values: [(any DatabaseValueConvertible)?] = [
      entry.kind.rawValue, entry.language?.value, entry.title, entry.summary, entry.content?.text,
      entry.canonicalLink, entry.published, entry.updated, json, hash, clusterKey(entry), now,
    ]
    let id: Int64
    if let rowID {
      try db.execute(
        sql: """
          UPDATE entry SET kind = ?, language = ?, title = ?, summary = ?, contentText = ?, link = ?,
            published = ?, updated = ?, data = ?, dataHash = ?, clusterKey = ?, lastChanged = ?
          WHERE id = ?
          """, arguments: StatementArguments(values + [rowID]))
      try db.execute(sql: "DELETE FROM entryFacet WHERE entryId = ?", arguments: [rowID])
      id = rowID
    } else {
      try db.execute(
        sql: """
          INSERT INTO entry (kind, language, title, summary, contentText, link, published, updated,
            data, dataHash, clusterKey, lastChanged, firstSeen, sourceId, entryID, slug)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: StatementArguments(
          values + [
            now, source.id, entry.id,
            EntrySlug.make(sourceKey: source.description.key, entryID: entry.id),
          ]))
      id = db.lastInsertedRowID
    }
    for (facet, value) in Facets.values(of: entry, source: source.description) {
      try db.execute(
        sql: "INSERT OR IGNORE INTO entryFacet (entryId, facet, value) VALUES (?, ?, ?)",
        arguments: [id, facet.rawValue, value])
    }
    return id
  }

  /// The same practice published by two partners shares its identifier or canonical link (and
  /// its kind: a partner's organisation card and its practice may both link to its home page).
  private func clusterKey(_ entry: Entry) -> String? {
    let kind = entry.kind.rawValue + ":"
    if let identifier = entry.identifiers.first { return kind + "id:" + identifier.lowercased() }
    guard var link = entry.canonicalLink?.lowercased() else { return nil }
    if link.hasSuffix("/") { link.removeLast() }
    if link.hasPrefix("http://") { link = "https://" + link.dropFirst(7) }
    return kind + "link:" + link
  }
}

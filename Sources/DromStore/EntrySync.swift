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
    var prepared: [(entry: Entry, data: Data, hash: String)] = []
    var seen: Set<String> = []
    for page in pages {
      for entry in page.entries where seen.insert(entry.id).inserted {
        var stored = entry
        stored.line = 0  // where it sits in the feed is not part of what it says
        let data = try Self.entryEncoder.encode(stored)
        prepared.append((stored, data, Self.hex(SHA256.hash(data: data))))
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
      for (stored, data, hash) in prepared {
        listed.insert(stored.id)
        if let old = existing[stored.id] {
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
          existing[stored.id] = (rowID, hash)
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

  /// Lowercase hex of a digest (String(format:) per byte was a visible cost).
  static func hex(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for byte in digest {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
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
      "\(source.id)|\(entry.translationOf ?? entry.id)",
    ]
    let id: Int64
    if let rowID {
      try db.cachedStatement(
        sql: """
          UPDATE entry SET kind = ?, language = ?, title = ?, summary = ?, contentText = ?, link = ?,
            published = ?, updated = ?, data = ?, dataHash = ?, clusterKey = ?, lastChanged = ?,
            translationKey = ?
          WHERE id = ?
          """
      ).execute(arguments: StatementArguments(values + [rowID]))
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
          values + [
            now, source.id, entry.id,
            EntrySlug.make(sourceKey: source.description.key, entryID: entry.id),
          ]))
      id = db.lastInsertedRowID
    }
    // One statement for all of an entry's facets: a dozen single-row inserts per entry were a
    // visible share of the single writer's time.
    var facets: [(Facet, String)] = []
    for pair in Facets.values(of: entry, source: source.description)
    where !facets.contains(where: { $0 == pair }) {
      facets.append(pair)
    }
    if !facets.isEmpty {
      var arguments: [any DatabaseValueConvertible] = []
      for (facet, value) in facets { arguments += [id, facet.rawValue, value] }
      try db.cachedStatement(
        sql: "INSERT OR IGNORE INTO entryFacet (entryId, facet, value) VALUES "
          + Array(repeating: "(?, ?, ?)", count: facets.count).joined(separator: ", ")
      ).execute(arguments: StatementArguments(arguments))
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

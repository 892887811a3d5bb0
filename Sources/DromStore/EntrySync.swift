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
      // Entries erased at a person's request are not taken again from this partner.
      let erased = Set(
        try String.fetchAll(
          db.cachedStatement(sql: "SELECT entryHash FROM erasure WHERE sourceId = ?"),
          arguments: [source.id]))
      var existing: [String: (rowID: Int64, hash: String)] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT id, entryID, dataHash FROM entry WHERE sourceId = ?",
        arguments: [source.id])
      {
        existing[row["entryID"]] = (row["id"], row["dataHash"])
      }
      // The full-text index is written last, in single-row statements: FTS5 (SQLite 3.40) writes
      // its pending terms to disk at every statement savepoint, and a statement that fires a
      // trigger or checks a foreign key over several rows opens one. Fed by a trigger, each
      // entry became an index segment of its own, and merging them was a third of the writer's
      // time. This way a source's entries make one segment, at commit.
      var searchTextRows: [(rowID: Int64, entry: PreparedEntry)] = []
      var listed: Set<String> = []
      // An entry the feed both lists and marks deleted is deleted: not written first.
      let tombstoned = Set(pages.flatMap { $0.deletedEntries.map(\.ref) })
      for entry in prepared
      where !tombstoned.contains(entry.id)
        && (erased.isEmpty || !erased.contains(Self.erasureHash(entry.id)))
      {
        listed.insert(entry.id)
        if let old = existing[entry.id] {
          if old.hash == entry.hash {
            counts.unchanged += 1
            continue
          }
          try removeSearchText(rowID: old.rowID, db: db)
          try write(entry, rowID: old.rowID, source: source, db: db)
          searchTextRows.append((old.rowID, entry))
          counts.changed += 1
        } else {
          let rowID = try write(entry, rowID: nil, source: source, db: db)
          existing[entry.id] = (rowID, entry.hash)
          searchTextRows.append((rowID, entry))
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
      for (rowID, entry) in searchTextRows {
        try db.cachedStatement(
          sql: "INSERT INTO entryText (rowid, title, summary, contentText) VALUES (?, ?, ?, ?)"
        ).execute(arguments: StatementArguments([rowID.databaseValue] + entry.searchText))
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

  /// Takes an entry's current texts out of the full-text index (external content: FTS5 needs
  /// the old values to find the terms to remove), before the row changes.
  private func removeSearchText(rowID: Int64, db: Database) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO entryText (entryText, rowid, title, summary, contentText)
        SELECT 'delete', id, title, summary, contentText FROM entrySearchText WHERE id = ?
        """
    ).execute(arguments: [rowID])
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
  /// Title, summary and content text as the full-text index reads them (`entrySearchText`).
  var searchText: [DatabaseValue]
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
    searchText = [entry.title, entry.summary, entry.content?.text].map {
      Self.markedForSearch($0, language: entry.language?.value)
    }
    facets = []
    for pair in Facets.values(of: entry, source: source.description)
    where !facets.contains(where: { $0 == pair }) {
      facets.append(pair)
    }
  }

  /// The text preceded by its entry's language between two U+0001 marks, which the `drom`
  /// tokenizer reads to choose the stemmer: the same value as the `entrySearchText` view gives.
  static func markedForSearch(_ text: String?, language: String?) -> DatabaseValue {
    guard let text else { return .null }
    return ("\u{1}" + (language ?? "") + "\u{1}" + text).databaseValue
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

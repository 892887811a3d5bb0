import Crypto
import Foundation
import GRDB

/// An entry the operator erased at a person's request. The index keeps only a hash of its
/// feed identifier and the partner; `title` is known only when it is erased.
public struct Erasure: Sendable, Equatable {
  public var sourceKey: String
  /// SHA-256 of the feed's identifier (`atom:id`, `guid`).
  public var entryHash: String
  public var entryID: String?
  public var title: String?
  public var erasedAt: Date
}

extension DromDatabase {
  /// Removes the entries with this page address (`a3f9…`) or feed identifier (`atom:id`,
  /// `guid`; every partner's copy) from the index now, records each so that the harvest does
  /// not take it again from the same partner, and purges their text from the file.
  public func erase(_ reference: String, now: Date = Date()) throws -> [Erasure] {
    let erased = try pool.write { db -> [Erasure] in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT entry.id, entry.entryID, entry.title, entry.sourceId, source.key FROM entry
          JOIN source ON source.id = entry.sourceId
          WHERE entry.slug = ? OR entry.entryID = ? ORDER BY source.key
          """, arguments: [reference, reference])
      var erased: [Erasure] = []
      for row in rows {
        let hash = Self.erasureHash(row["entryID"])
        try db.execute(
          sql: "INSERT OR REPLACE INTO erasure (sourceId, entryHash, erasedAt) VALUES (?, ?, ?)",
          arguments: [row["sourceId"], hash, now])
        try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [row["id"]])
        erased.append(
          Erasure(
            sourceKey: row["key"], entryHash: hash, entryID: row["entryID"], title: row["title"],
            erasedAt: now))
      }
      var bySource: [Int64: (key: String, counts: SyncCounts)] = [:]
      for row in rows {
        bySource[row["sourceId"], default: (row["key"], SyncCounts())].counts.deleted += 1
      }
      try recordChangesOutsideHarvest(bySource, now: now, db: db) {
        "\($0.deleted) erased at a person's request (drom erase)"
      }
      return erased
    }
    if !erased.isEmpty { try purgeRemovedText() }
    return erased
  }

  /// Every erasure, newest first.
  public func erasures() throws -> [Erasure] {
    try pool.read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT source.key, erasure.entryHash, erasure.erasedAt FROM erasure
          JOIN source ON source.id = erasure.sourceId ORDER BY erasure.erasedAt DESC, source.key
          """
      ).map {
        Erasure(sourceKey: $0[0], entryHash: $0[1], entryID: nil, title: nil, erasedAt: $0[2])
      }
    }
  }

  /// What the erasure table keeps of an entry's feed identifier.
  static func erasureHash(_ entryID: String) -> String {
    Hex.lowercase(SHA256.hash(data: Data(entryID.utf8)))
  }

  /// After entries were removed or changed (a partner's tombstone or correction, a person whose
  /// consent ran out), what they held leaves the file's bytes as well as its tables: FTS5 keeps
  /// a deleted entry's words in its index segments until they are merged, and the write-ahead
  /// log keeps old page images until a checkpoint resets it. This merges the full-text index
  /// into one segment (`optimize`; freed pages are zeroed, `secure_delete` being on) and
  /// checkpoints the log, truncating it. Readers in other processes delay the truncation (the
  /// busy timeout) but never see a torn state. Returns false when a reader held the log past
  /// the timeout: the log is then reset by the next write after they finish, and the next
  /// harvest tries again.
  @discardableResult
  public func purgeRemovedText() throws -> Bool {
    try pool.writeWithoutTransaction { db in
      try db.execute(sql: "INSERT INTO entryText(entryText) VALUES ('optimize')")
      let (busy, _, _) = try Self.checkpoint(db)
      return !busy
    }
  }

  private static func checkpoint(_ db: Database) throws -> (Bool, Int, Int) {
    let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    return ((row?[0] as Int?) == 1, row?[1] ?? 0, row?[2] ?? 0)
  }

  /// Records entries removed or changed outside a harvest (`drom erase`, consent that ran
  /// out), one record per partner, its feed not read ("not modified", with the counts):
  /// searches, their caches and the pages follow the index's newest harvest record, and the
  /// search table reads again the partners whose records changed anything.
  func recordChangesOutsideHarvest(
    _ bySource: [Int64: (key: String, counts: SyncCounts)], now: Date, db: Database,
    message: (SyncCounts) -> String
  ) throws {
    for (sourceID, change) in bySource.sorted(by: { $0.key < $1.key }) {
      try insert(
        HarvestRecord(
          sourceKey: change.key, sourceTitle: change.key, startedAt: now, finishedAt: now,
          outcome: .notModified, counts: change.counts, message: message(change.counts)),
        sourceID: sourceID, db: db)
    }
  }
}

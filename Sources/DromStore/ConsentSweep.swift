import Crypto
import DromModel
import Foundation
import GRDB

extension DromDatabase {
  /// People whose recorded consent has run out leave the index at the next harvest, even when
  /// their partner's feed has not changed since (an unchanged feed is not read again, so the
  /// reader's own consent check would never see the day pass). A person entry without a card
  /// left is removed; another entry keeps everything but the expired cards.
  @discardableResult
  public func withdrawExpiredConsent(now: Date) throws -> (entries: Int, cards: Int) {
    try pool.write { db in
      var removed = 0
      var cards = 0
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      var bySource: [Int64: (key: String, counts: SyncCounts)] = [:]
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT entry.id, entry.data, entry.sourceId, source.key FROM entry
          JOIN source ON source.id = entry.sourceId WHERE entry.data LIKE '%"individual"%'
          """)
      for row in rows {
        var entry = try decoder.decode(Entry.self, from: Data((row["data"] as String).utf8))
        let kept = entry.contacts.filter {
          !$0.isPersonal || ($0.consent?.isValid(at: now) ?? false)
        }
        guard kept.count < entry.contacts.count else { continue }
        cards += entry.contacts.count - kept.count
        let rowID: Int64 = row["id"]
        let sourceID: Int64 = row["sourceId"]
        if entry.kind == .person && !kept.contains(where: \.isPersonal) {
          try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [rowID])
          removed += 1
          bySource[sourceID, default: (row["key"], SyncCounts())].counts.deleted += 1
        } else {
          bySource[sourceID, default: (row["key"], SyncCounts())].counts.changed += 1
          entry.contacts = kept
          let data = try DromDatabase.entryEncoder.encode(entry)
          try db.execute(
            sql: "UPDATE entry SET data = ?, dataHash = ? WHERE id = ?",
            arguments: [
              String(decoding: data, as: UTF8.self), Hex.lowercase(SHA256.hash(data: data)), rowID,
            ])
        }
      }
      try recordChangesOutsideHarvest(bySource, now: now, db: db) {
        "consent ran out: \($0.deleted) people removed, \($0.changed) entries without a contact"
      }
      return (removed, cards)
    }
  }
}

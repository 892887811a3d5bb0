import DromModel
import Foundation
import GRDB

/// How one source's harvest ended.
public enum HarvestOutcome: String, Codable, Sendable {
  /// The feed was read and the index brought up to date.
  case updated
  /// The server answered 304, or the body was byte-for-byte the last one: nothing to do.
  case notModified = "not-modified"
  /// The fetch failed (network, HTTP error, limit); the index keeps what it had.
  case failed
  /// The document was fetched but refused (not XML, hostile, over a limit, not a feed).
  case rejected
  /// Skipped because the source is backing off after failures.
  case deferred
}

/// Entries added, changed, deleted and left as they were by one harvest of one source.
public struct SyncCounts: Codable, Hashable, Sendable {
  public var added = 0
  public var changed = 0
  public var deleted = 0
  public var unchanged = 0

  public init() {}
}

/// One row of a source's harvest history, as `drom report` shows it.
public struct HarvestRecord: Codable, Hashable, Sendable {
  public var sourceKey: String
  public var sourceTitle: String
  public var startedAt: Date
  public var finishedAt: Date
  public var outcome: HarvestOutcome
  public var httpStatus: Int?
  public var bytes: Int
  public var counts: SyncCounts
  public var message: String?
  public var diagnostics: [Diagnostic]

  public init(
    sourceKey: String, sourceTitle: String, startedAt: Date, finishedAt: Date,
    outcome: HarvestOutcome, httpStatus: Int? = nil, bytes: Int = 0, counts: SyncCounts = .init(),
    message: String? = nil, diagnostics: [Diagnostic] = []
  ) {
    self.sourceKey = sourceKey
    self.sourceTitle = sourceTitle
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.outcome = outcome
    self.httpStatus = httpStatus
    self.bytes = bytes
    self.counts = counts
    self.message = message
    self.diagnostics = diagnostics
  }
}

/// What a fetch learned about the source, to remember for the next run.
public struct FetchMemory: Sendable, Hashable {
  public var etag: String?
  public var lastModified: String?
  public var bodyHash: String?
  public var permanentURL: String?

  public init(
    etag: String? = nil, lastModified: String? = nil, bodyHash: String? = nil,
    permanentURL: String? = nil
  ) {
    self.etag = etag
    self.lastModified = lastModified
    self.bodyHash = bodyHash
    self.permanentURL = permanentURL
  }
}

extension DromDatabase {
  static let diagnosticsEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }()

  /// Records a harvest that changed no entry (not modified, failed, rejected, deferred) and
  /// updates the source's fetch state and back-off.
  public func recordHarvest(
    _ record: HarvestRecord, sourceID: Int64, memory: FetchMemory?, nextAttemptAt: Date?
  ) async throws {
    try await pool.write { db in
      try insert(record, sourceID: sourceID, db: db)
      try updateSource(
        sourceID, record: record, memory: memory, nextAttemptAt: nextAttemptAt, feedTitle: nil,
        db: db)
    }
  }

  /// Many sources' "not modified" harvests in one transaction: they change no entry, so a
  /// crash before it commits loses only their records and the validators they brought.
  public func recordUnchangedHarvests(
    _ harvests: [(record: HarvestRecord, sourceID: Int64, memory: FetchMemory)]
  ) async throws {
    guard !harvests.isEmpty else { return }
    try await pool.write { db in
      for harvest in harvests {
        try insert(harvest.record, sourceID: harvest.sourceID, db: db)
        try updateSource(
          harvest.sourceID, record: harvest.record, memory: harvest.memory, nextAttemptAt: nil,
          feedTitle: nil, db: db)
      }
    }
  }

  func insert(_ record: HarvestRecord, sourceID: Int64, db: Database) throws {
    let diagnostics = String(
      decoding: try Self.diagnosticsEncoder.encode(record.diagnostics), as: UTF8.self)
    try db.execute(
      sql: """
        INSERT INTO harvest (sourceId, startedAt, finishedAt, outcome, httpStatus, bytes, added,
          changed, deleted, unchanged, message, diagnostics)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        sourceID, record.startedAt, record.finishedAt, record.outcome.rawValue, record.httpStatus,
        record.bytes, record.counts.added, record.counts.changed, record.counts.deleted,
        record.counts.unchanged, record.message, diagnostics,
      ])
  }

  func updateSource(
    _ sourceID: Int64, record: HarvestRecord, memory: FetchMemory?, nextAttemptAt: Date?,
    feedTitle: String?, db: Database
  ) throws {
    let succeeded = record.outcome == .updated || record.outcome == .notModified
    if record.outcome == .deferred { return }
    try db.execute(
      sql: """
        UPDATE source SET
          lastAttemptAt = ?,
          lastSuccessAt = CASE WHEN ? THEN ? ELSE lastSuccessAt END,
          failures = CASE WHEN ? THEN 0 ELSE failures + 1 END,
          nextAttemptAt = ?,
          etag = CASE WHEN ? THEN ? ELSE etag END,
          lastModified = CASE WHEN ? THEN ? ELSE lastModified END,
          bodyHash = CASE WHEN ? THEN ? ELSE bodyHash END,
          permanentURL = COALESCE(?, permanentURL),
          feedTitle = COALESCE(?, feedTitle)
        WHERE id = ?
        """,
      arguments: [
        record.finishedAt, succeeded, record.finishedAt, succeeded, nextAttemptAt,
        memory != nil, memory?.etag, memory != nil, memory?.lastModified,
        memory != nil, memory?.bodyHash, memory?.permanentURL, feedTitle, sourceID,
      ])
  }

  /// The newest harvests of every source (or of one), newest first.
  public func harvestHistory(sourceKey: String? = nil, perSource: Int = 5) throws -> [HarvestRecord]
  {
    try pool.read { db in
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM (
            SELECT harvest.*, source.key AS sourceKey, source.title AS sourceTitle,
              ROW_NUMBER() OVER (PARTITION BY sourceId ORDER BY harvest.id DESC) AS position
            FROM harvest JOIN source ON source.id = harvest.sourceId
            WHERE ? IS NULL OR source.key = ?)
          WHERE position <= ? ORDER BY sourceTitle, id DESC
          """, arguments: [sourceKey, sourceKey, perSource])
      return try rows.map { row in
        var counts = SyncCounts()
        counts.added = row["added"]
        counts.changed = row["changed"]
        counts.deleted = row["deleted"]
        counts.unchanged = row["unchanged"]
        return HarvestRecord(
          sourceKey: row["sourceKey"], sourceTitle: row["sourceTitle"], startedAt: row["startedAt"],
          finishedAt: row["finishedAt"],
          outcome: HarvestOutcome(rawValue: row["outcome"]) ?? .failed,
          httpStatus: row["httpStatus"], bytes: row["bytes"], counts: counts,
          message: row["message"],
          diagnostics: try decoder.decode(
            [Diagnostic].self, from: Data((row["diagnostics"] as String).utf8)))
      }
    }
  }

  /// Each source's newest harvest, for its health; when that one found the feed unchanged, it
  /// carries the problems of the last harvest that read the feed, which the feed still has.
  public func latestHarvests() throws -> [String: HarvestRecord] {
    var latest: [String: HarvestRecord] = [:]
    var settled: Set<String> = []
    for record in try harvestHistory(perSource: 20) {  // newest first, per source
      guard var newest = latest[record.sourceKey] else {
        latest[record.sourceKey] = record
        if record.outcome != .notModified { settled.insert(record.sourceKey) }
        continue
      }
      guard !settled.contains(record.sourceKey), record.outcome != .notModified else { continue }
      settled.insert(record.sourceKey)
      if record.outcome == .updated {
        newest.diagnostics = record.diagnostics
        latest[record.sourceKey] = newest
      }
    }
    return latest
  }
}

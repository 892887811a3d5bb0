import Foundation
import GRDB

/// The SQLite index: one file, WAL mode, so the harvester writes while searches read.
public final class DromDatabase: Sendable {
  public let pool: DatabasePool
  public let path: String
  /// What searches keep in memory of the index between harvests.
  let searchTables = SearchTables()

  public enum OpenError: Error, CustomStringConvertible {
    case noFTS5(sqliteVersion: String)

    public var description: String {
      switch self {
      case .noFTS5(let version):
        "this SQLite (\(version)) was built without FTS5, which Drom's search needs: install Debian's libsqlite3-0, which has it"
      }
    }
  }

  public init(path: String) throws {
    self.path = path
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    configuration.prepareDatabase { db in
      db.add(tokenizer: DromTokenizer.self)
      // In WAL mode NORMAL keeps the index consistent through crashes and power loss; a power
      // cut may only undo the last harvests' commits, which the next harvest redoes. FULL would
      // add an fsync to each of the hundreds of per-source transactions.
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      // Inserting an entry fires the trigger that feeds FTS5, so SQLite keeps a statement
      // journal for it; in temporary files that was ~500 MB of writes in a 20,000-entry harvest.
      // Each journal lives only as long as its statement.
      try db.execute(sql: "PRAGMA temp_store = MEMORY")
      // What is deleted is overwritten with zeros, not left in free pages: an erased person's
      // name must leave the file, not only the tables (see `purgeRemovedText`).
      try db.execute(sql: "PRAGMA secure_delete = ON")
      // DROM_PROFILE_SQL=1 prints each statement's duration to standard error.
      if ProcessInfo.processInfo.environment["DROM_PROFILE_SQL"] == "1" {
        db.trace(options: .profile) { event in
          FileHandle.standardError.write(Data("sql: \(event)\n".utf8))
        }
      }
    }
    pool = try DatabasePool(path: path, configuration: configuration)
    try pool.read { db in
      let hasFTS5 =
        try Bool.fetchOne(db, sql: "SELECT sqlite_compileoption_used('ENABLE_FTS5')") ?? false
      if !hasFTS5 {
        throw OpenError.noFTS5(
          sqliteVersion: try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?")
      }
    }
    try Migrations.migrator.migrate(pool)
  }
}

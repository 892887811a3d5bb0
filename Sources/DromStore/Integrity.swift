import GRDB

extension DromDatabase {
  /// SQLite's check of every table and index, and FTS5's check of the full-text index against
  /// the entries: what is wrong, or nothing. For after a crash, a full disk, a copied file.
  public func integrityProblems() throws -> [String] {
    var problems = try pool.read { db in
      try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
    }
    do {
      // A write: FTS5 answers its check only there; it changes nothing.
      try pool.write { db in
        try db.execute(sql: "INSERT INTO entryText(entryText) VALUES ('integrity-check')")
      }
    } catch let error as DatabaseError {
      problems.append(
        "the full-text index disagrees with the entries: \(error.message ?? "\(error)")")
    }
    return problems
  }
}

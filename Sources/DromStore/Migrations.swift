import GRDB

/// The schema's history. Migrations are only ever appended, never edited: an index made by any
/// earlier Drom opens and upgrades in place.
enum Migrations {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: sources, entries, facets, harvests, full-text index") { db in
      try db.create(table: "source") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("key", .text).notNull().unique()
        t.column("title", .text)
        t.column("feedURL", .text).notNull()
        t.column("htmlURL", .text)
        t.column("language", .text)
        t.column("city", .text)
        t.column("country", .text)
        t.column("nuts", .text)
        t.column("lau", .text)
        t.column("lauYear", .integer)
        t.column("organisation", .text)
        t.column("allowPrivateAddress", .boolean).notNull().defaults(to: false)
        // Fetch state: conditional GET validators, the last body's hash, remembered redirects.
        t.column("etag", .text)
        t.column("lastModified", .text)
        t.column("bodyHash", .text)
        t.column("permanentURL", .text)
        t.column("failures", .integer).notNull().defaults(to: 0)
        t.column("nextAttemptAt", .datetime)
        t.column("lastAttemptAt", .datetime)
        t.column("lastSuccessAt", .datetime)
        t.column("feedTitle", .text)
      }
      try db.create(table: "entry") { t in
        t.autoIncrementedPrimaryKey("id")
        t.belongsTo("source", onDelete: .cascade).notNull()
        t.column("entryID", .text).notNull()
        t.column("kind", .text).notNull()
        t.column("language", .text)
        t.column("title", .text).notNull()
        t.column("summary", .text)
        t.column("contentText", .text)
        t.column("link", .text)
        t.column("published", .datetime)
        t.column("updated", .datetime)
        // The whole normalised entry, as `drom inspect` prints it.
        t.column("data", .text).notNull()
        t.column("dataHash", .text).notNull()
        // Links the same practice published by several partners (canonical link or identifier).
        t.column("clusterKey", .text).indexed()
        t.column("firstSeen", .datetime).notNull()
        t.column("lastChanged", .datetime).notNull()
        t.uniqueKey(["sourceId", "entryID"])
      }
      try db.create(table: "entryFacet") { t in
        t.belongsTo("entry", onDelete: .cascade).notNull()
        t.column("facet", .text).notNull()
        t.column("value", .text).notNull()
        t.primaryKey(["entryId", "facet", "value"])
      }
      try db.create(
        index: "entryFacet_on_facet_value", on: "entryFacet",
        columns: ["facet", "value", "entryId"])
      try db.create(virtualTable: "entryText", using: FTS5()) { t in
        t.synchronize(withTable: "entry")
        t.tokenizer = .unicode61(diacritics: .remove)
        t.column("title")
        t.column("summary")
        t.column("contentText")
      }
      try db.create(table: "harvest") { t in
        t.autoIncrementedPrimaryKey("id")
        t.belongsTo("source", onDelete: .cascade).notNull()
        t.column("startedAt", .datetime).notNull()
        t.column("finishedAt", .datetime).notNull()
        t.column("outcome", .text).notNull()
        t.column("httpStatus", .integer)
        t.column("bytes", .integer).notNull().defaults(to: 0)
        t.column("added", .integer).notNull().defaults(to: 0)
        t.column("changed", .integer).notNull().defaults(to: 0)
        t.column("deleted", .integer).notNull().defaults(to: 0)
        t.column("unchanged", .integer).notNull().defaults(to: 0)
        t.column("message", .text)
        t.column("diagnostics", .text).notNull().defaults(to: "[]")
      }
      try db.create(
        index: "harvest_on_source_time", on: "harvest", columns: ["sourceId", "startedAt"])
    }
    migrator.registerMigration("v2: multilingual full-text index (Snowball stemming, folding)") {
      db in
      try db.execute(
        sql: """
          DROP TRIGGER IF EXISTS "__entryText_ai";
          DROP TRIGGER IF EXISTS "__entryText_ad";
          DROP TRIGGER IF EXISTS "__entryText_au";
          DROP TABLE entryText;
          CREATE VIEW entrySearchText AS SELECT id,
            \(marked("title")) AS title, \(marked("summary")) AS summary,
            \(marked("contentText")) AS contentText
          FROM entry;
          CREATE VIRTUAL TABLE entryText USING fts5(
            title, summary, contentText, content='entrySearchText', content_rowid='id',
            tokenize='drom');
          CREATE TRIGGER entryText_afterInsert AFTER INSERT ON entry BEGIN
            INSERT INTO entryText(rowid, title, summary, contentText)
            VALUES (new.id, \(marked("title", row: "new")), \(marked("summary", row: "new")),
              \(marked("contentText", row: "new")));
          END;
          CREATE TRIGGER entryText_afterDelete AFTER DELETE ON entry BEGIN
            INSERT INTO entryText(entryText, rowid, title, summary, contentText)
            VALUES ('delete', old.id, \(marked("title", row: "old")), \(marked("summary", row: "old")),
              \(marked("contentText", row: "old")));
          END;
          CREATE TRIGGER entryText_afterUpdate AFTER UPDATE ON entry BEGIN
            INSERT INTO entryText(entryText, rowid, title, summary, contentText)
            VALUES ('delete', old.id, \(marked("title", row: "old")), \(marked("summary", row: "old")),
              \(marked("contentText", row: "old")));
            INSERT INTO entryText(rowid, title, summary, contentText)
            VALUES (new.id, \(marked("title", row: "new")), \(marked("summary", row: "new")),
              \(marked("contentText", row: "new")));
          END;
          INSERT INTO entryText(entryText) VALUES ('rebuild');
          """)
    }
    migrator.registerMigration("v3: stable entry slugs for page addresses") { db in
      try db.execute(sql: "ALTER TABLE entry ADD COLUMN slug TEXT")
      let rows = try Row.fetchAll(
        db,
        sql:
          "SELECT entry.id, source.key, entry.entryID FROM entry JOIN source ON source.id = entry.sourceId"
      )
      for row in rows {
        try db.execute(
          sql: "UPDATE entry SET slug = ? WHERE id = ?",
          arguments: [EntrySlug.make(sourceKey: row["key"], entryID: row["entryID"]), row["id"]])
      }
      try db.execute(sql: "CREATE UNIQUE INDEX entry_on_slug ON entry(slug)")
    }
    migrator.registerMigration("v4: translation groups") { db in
      // An entry and its translations (dcterms:isVersionOf) share a key, so search shows one
      // of them: the one in the reader's language.
      try db.execute(
        sql: """
          ALTER TABLE entry ADD COLUMN translationKey TEXT;
          UPDATE entry SET translationKey =
            sourceId || '|' || COALESCE(json_extract(data, '$.translationOf'), entryID);
          CREATE INDEX entry_on_translationKey ON entry(translationKey);
          """)
    }
    migrator.registerMigration("v5: facet values no longer indexed by value") { db in
      // Search filters and counts facets in memory (`SearchTable`); an index ordered by value
      // put each harvested entry's dozen facet rows on as many pages, and those pages were
      // most of what every source's transaction wrote.
      try db.execute(sql: "DROP INDEX IF EXISTS entryFacet_on_facet_value")
    }
    migrator.registerMigration("v6: no indexes that a key already covers") { db in
      // (sourceId, entryID) is unique, so indexed, and leads with sourceId; the facet table's
      // primary key leads with entryId. Each extra index was one more page every write dirtied.
      try db.execute(
        sql: """
          DROP INDEX IF EXISTS entry_on_sourceId;
          DROP INDEX IF EXISTS entryFacet_on_entryId;
          """)
    }
    migrator.registerMigration("v7: facet rows clustered by their key") { db in
      // Without a rowid the primary key is the table: one b-tree to write per facet row, not
      // two, and the rows of one entry sit together.
      try db.execute(
        sql: """
          CREATE TABLE entryFacetByKey (
            entryId INTEGER NOT NULL REFERENCES entry(id) ON DELETE CASCADE,
            facet TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (entryId, facet, value)
          ) WITHOUT ROWID;
          INSERT INTO entryFacetByKey SELECT entryId, facet, value FROM entryFacet;
          DROP TABLE entryFacet;
          ALTER TABLE entryFacetByKey RENAME TO entryFacet;
          """)
    }
    migrator.registerMigration("v8: the sync feeds the full-text index itself") { db in
      // A trigger on entry made every insert a multi-row statement with a savepoint, at which
      // FTS5 wrote its pending terms out: one index segment per entry (see `sync`). Deletions
      // keep their trigger: they are few, and a source removed from the registry cascades.
      try db.execute(
        sql: """
          DROP TRIGGER IF EXISTS entryText_afterInsert;
          DROP TRIGGER IF EXISTS entryText_afterUpdate;
          """)
    }
    migrator.registerMigration("v9: entries erased at a person's request") { db in
      // What the operator erased (`drom erase`) is not taken again from the same partner's
      // feed, which may still carry it until the partner acts. Only a hash of the feed's
      // identifier is kept: an identifier may hold the person's name.
      try db.execute(
        sql: """
          CREATE TABLE erasure (
            sourceId INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
            entryHash TEXT NOT NULL,
            erasedAt DATETIME NOT NULL,
            PRIMARY KEY (sourceId, entryHash)
          ) WITHOUT ROWID;
          """)
    }
    return migrator
  }

  /// A column's value preceded by its entry's language between two U+0001 marks, which the
  /// `drom` tokenizer reads to choose the stemmer (SQL NULL stays NULL).
  private static func marked(_ column: String, row: String? = nil) -> String {
    let prefix = row.map { $0 + "." } ?? ""
    return
      "CASE WHEN \(prefix)\(column) IS NULL THEN NULL ELSE char(1) || COALESCE(\(prefix)language, '') || char(1) || \(prefix)\(column) END"
  }
}

import Foundation
import GRDB

/// What a search needs to know of every entry besides its text, held in memory: its
/// translation group, the practice it shares with other partners, its language, date and facet
/// values.
///
/// FTS5 finds and scores the matching texts quickly; what made searches slow was everything
/// after, done in SQL over every match (two window functions to show one version per
/// translation and one copy per shared practice, then a `GROUP BY` for the facet counts). Here
/// that work is a pass over arrays. The table matches one state of the index, named by its
/// newest harvest record; after a harvest only the sources it changed are read again.
struct SearchTable: Sendable {
  struct Item: Sendable {
    var id: Int64
    var source: Int64
    /// The entry's translation group and shared practice, interned (-1: none).
    var groupKey: Int32
    var clusterKey: Int32
    /// Its translation group among those with another live version, numbered densely; -1: the
    /// only version in the index (nothing to collapse).
    var translationGroup: Int32 = -1
    /// Its practice among those another live entry shares, numbered densely; -1: no other
    /// partner publishes it.
    var cluster: Int32 = -1
    /// Index into `languageTags`; -1: no language.
    var language: Int32
    /// Seconds since 1970; -infinity when the entry has no date (sorts last, as SQL's NULL).
    var updated: Double
    var facetStart: Int32
    var facetCount: Int32
    var alive: Bool
  }

  struct FacetValue: Hashable, Sendable {
    var facet: Facet
    var value: String
  }

  /// The newest harvest record the table reflects.
  private(set) var generation: Int64
  private(set) var items: [Item] = []
  /// Every item's facet values (`items[i].facetStart ..< facetStart + facetCount`).
  private(set) var facetValues: [Int32] = []
  private(set) var values: [FacetValue] = []
  private(set) var languageTags: [String] = []
  /// The index's languages (primary subtags), sorted: queries are stemmed in each.
  private(set) var indexedLanguages: [String] = []
  /// How many translation groups and shared practices have more than one live entry.
  private(set) var groupCount: Int32 = 0
  private(set) var clusterCount: Int32 = 0
  private var groupKeyCount: Int32 = 0
  private var clusterKeyCount: Int32 = 0
  /// Row of each entry id (ids are SQLite's growing integer keys, so an array indexed by id is
  /// small and faster than a dictionary); -1: no such entry.
  private var position: [Int32] = []
  private var valueIndex: [FacetValue: Int32] = [:]
  private var languageIndex: [String: Int32] = [:]
  private var groupIndex: [String: Int32] = [:]
  private var clusterIndex: [String: Int32] = [:]
  private var dead = 0
  /// The rows holding each facet value (dead rows included): concept searches start from them.
  private(set) var rowsWithValue: [[Int32]] = []
  /// Each facet value's rows as a bitset or a list (`FacetPlan`), for filters, concepts and
  /// facet counts; and the facet values an entry has on average (rounded up): whether counting
  /// match by match is cheaper.
  private(set) var facetPlan = FacetPlan(rows: 0, values: [], rowsWithValue: [])
  private(set) var facetsPerRow = 1
  /// The rows still in the index.
  private(set) var liveRows = RowBits(rows: 0)
  /// The live rows with another live version or another partner's copy: the only ones a search
  /// collapses.
  private(set) var sharedRows = RowBits(rows: 0)
  /// The live rows another partner's copy shares a practice with.
  private(set) var clusteredRows = RowBits(rows: 0)
  /// Per row, what collapsing reads of it, packed: a search reads it for thousands of matches,
  /// where a whole `Item` is a cache line each.
  private(set) var sharing: [Sharing] = []
  /// Per row, its translation group (`Item.translationGroup`): the one field every shared
  /// match is read for.
  private(set) var translationGroupOf: [Int32] = []
  /// Per row, its place among all rows newest first, then by id: how equal scores are ordered
  /// (matches found only through a concept all score the same), in one comparison of a small
  /// array rather than two fields of each match's item.
  private(set) var recencyRank: [Int32] = []
  /// Per row, its place among all rows by entry id: how versions with equal scores are ordered.
  /// (Rows are in id order until a refresh appends the entries it read again.)
  private(set) var idRank: [Int32] = []

  /// What collapsing reads of a row beyond its group, when two versions or copies compete.
  struct Sharing: Sendable {
    var cluster: Int32
    var language: Int32
  }
  /// The entries' terms, for ranking without FTS5 (`TermQuery.swift`).
  private(set) var termIndex = TermIndex()
  /// FTS5's row and token counts for this state of the index.
  private(set) var textTotals: (rows: Int64, tokens: Int64)?

  /// The whole index as of `db`'s transaction.
  static func load(_ db: Database, generation: Int64) throws -> SearchTable {
    var table = SearchTable(generation: generation)
    try table.append(db, entriesWhere: "1", arguments: [])
    table.deriveFromLiveRows(totals: try TermIndex.totals(db))
    return table
  }

  func row(of entryID: Int64) -> Int32? {
    guard entryID >= 0, entryID < position.count else { return nil }
    let row = position[Int(entryID)]
    return row < 0 ? nil : row
  }

  func valueID(_ facet: Facet, _ value: String) -> Int32? {
    valueIndex[FacetValue(facet: facet, value: value)]
  }

  /// The rows holding any of these values (dead rows included).
  func rows(withAnyOf values: [Int32]) -> RowBits {
    facetPlan.rows(withAnyOf: values, rowsWithValue: rowsWithValue)
  }

  /// Brings the table from its generation to `generation` by reading again the entries of the
  /// sources whose harvests since then added, changed or deleted any. Returns false when so much
  /// changed that loading the whole index is cheaper (the table is then left as it was).
  mutating func refresh(_ db: Database, to generation: Int64) throws -> Bool {
    let sources = try Int64.fetchAll(
      db,
      sql: """
        SELECT DISTINCT sourceId FROM harvest
        WHERE id > ? AND added + changed + deleted > 0 ORDER BY sourceId
        """, arguments: [self.generation])
    let changing = Set(sources)
    let stale = items.reduce(0) { $0 + ($1.alive && changing.contains($1.source) ? 1 : 0) }
    if dead + stale > max(items.count / 4, 1000) { return false }
    if !sources.isEmpty {
      for index in items.indices where items[index].alive && changing.contains(items[index].source)
      {
        items[index].alive = false
        position[Int(items[index].id)] = -1
        termIndex.retire(row: Int32(index))
        dead += 1
      }
      try append(
        db,
        entriesWhere: "sourceId IN (\(databaseQuestionMarks(count: sources.count)))",
        arguments: StatementArguments(sources))
    }
    // Entries changed without a record saying so would leave the table behind FTS5: then it is
    // loaded whole rather than trusted.
    let totals = try TermIndex.totals(db)
    if termIndex.unusable == nil, termIndex.disagreement(with: totals) != nil { return false }
    if !sources.isEmpty { deriveFromLiveRows(totals: totals) }
    self.generation = generation
    return true
  }

  /// What depends on which rows are live, worked out once after a load or a refresh that
  /// changed rows: the index's languages, the live and shared rows, the facet values' row sets,
  /// and the term index checked against FTS5's `totals`.
  private mutating func deriveFromLiveRows(totals: (rows: Int64, tokens: Int64)?) {
    indexedLanguages = liveLanguages()
    numberSharedGroups()
    translationGroupOf = items.map(\.translationGroup)
    recencyRank = [Int32](repeating: 0, count: items.count)
    let newestFirst = items.indices.sorted {
      let (x, y) = (items[$0], items[$1])
      return x.updated != y.updated ? x.updated > y.updated : x.id < y.id
    }
    for (rank, row) in newestFirst.enumerated() { recencyRank[row] = Int32(rank) }
    idRank = [Int32](repeating: .max, count: items.count)
    var rank: Int32 = 0
    for row in position where row >= 0 {
      idRank[Int(row)] = rank
      rank += 1
    }
    sharing = items.map {
      Sharing(cluster: $0.cluster, language: $0.language)
    }
    liveRows = RowBits(rows: items.count)
    sharedRows = RowBits(rows: items.count)
    clusteredRows = RowBits(rows: items.count)
    for (row, item) in items.enumerated() {
      if item.alive { liveRows.insert(Int32(row)) }
      if item.cluster >= 0 { clusteredRows.insert(Int32(row)) }
      if item.translationGroup >= 0 || item.cluster >= 0 { sharedRows.insert(Int32(row)) }
    }
    planFacetCounts()
    textTotals = totals
    termIndex.check(against: totals)
  }

  /// The rows whose text matches every word of `forms`, with their bm25 scores (FTS5's, lower
  /// is better; 0 without `scoring`); nil when only FTS5 can answer.
  /// Only rows of `allowed` are returned; the scores count every live row, as FTS5's do.
  func textMatches(_ forms: QueryForms, within allowed: RowBits? = nil, scoring: Bool = true)
    -> TextMatches?
  {
    guard let textTotals, textTotals.rows > 0 else { return nil }
    return termIndex.matches(
      forms, within: allowed ?? liveRows, totals: textTotals, scoring: scoring)
  }

  /// Reads the entries meeting `condition` (on table `entry`) and their facet values.
  private mutating func append(
    _ db: Database, entriesWhere condition: String, arguments: StatementArguments
  ) throws {
    let first = items.count
    let entries = try Row.fetchCursor(
      db,
      sql: """
        SELECT id, sourceId, translationKey, clusterKey, language, julianday(updated)
        FROM entry WHERE \(condition) ORDER BY id
        """, arguments: arguments)
    while let row = try entries.next() {
      let id: Int64 = row[0]
      if id >= position.count {
        position.append(contentsOf: repeatElement(-1, count: Int(id) + 1 - position.count))
      }
      position[Int(id)] = Int32(items.count)
      let julianDay: Double? = row[5]
      items.append(
        Item(
          id: id, source: row[1],
          groupKey: Self.intern(row[2], in: &groupIndex, &groupKeyCount),
          clusterKey: Self.intern(row[3], in: &clusterIndex, &clusterKeyCount),
          language: language(row[4]),
          updated: julianDay.map { (($0 - 2_440_587.5) * 86_400_000).rounded() / 1000 }
            ?? -.infinity,
          facetStart: 0, facetCount: 0, alive: true))
    }
    guard items.count > first else { return }
    // Facet rows come in their primary key's order (entry, facet, value): entry by entry, in
    // the order the entries were read.
    let facets = try Row.fetchCursor(
      db,
      sql: first == 0
        ? "SELECT entryId, facet, value FROM entryFacet ORDER BY entryId"
        : """
        SELECT entryId, facet, value FROM entryFacet
        WHERE entryId IN (SELECT id FROM entry WHERE \(condition)) ORDER BY entryId
        """, arguments: first == 0 ? [] : arguments)
    var current: Int32 = -1
    while let row = try facets.next() {
      guard let index = self.row(of: row[0]), index >= first,
        let facet = Facet(rawValue: row[1])
      else { continue }
      if index != current {
        if current >= 0 {
          items[Int(current)].facetCount = Int32(facetValues.count) - items[Int(current)].facetStart
        }
        current = index
        items[Int(index)].facetStart = Int32(facetValues.count)
      }
      let value = valueID(facet: facet, value: row[2])
      facetValues.append(value)
      if Int(value) >= rowsWithValue.count {
        rowsWithValue.append(
          contentsOf: repeatElement([], count: Int(value) + 1 - rowsWithValue.count))
      }
      rowsWithValue[Int(value)].append(index)
    }
    if current >= 0 {
      items[Int(current)].facetCount = Int32(facetValues.count) - items[Int(current)].facetStart
    }
    let position = self.position
    try termIndex.append(
      db, entriesWhere: condition, arguments: arguments, first: first
    ) { id in
      guard id >= 0, id < position.count, position[Int(id)] >= 0 else { return nil }
      return position[Int(id)]
    }
  }

  private mutating func planFacetCounts() {
    facetPlan = FacetPlan(rows: items.count, values: values, rowsWithValue: rowsWithValue)
    facetsPerRow = items.isEmpty ? 1 : max(1, (facetValues.count + items.count - 1) / items.count)
  }

  /// Numbers the translation groups and shared practices that have more than one live entry:
  /// a search collapses only those (at 100 000 entries, three in four groups have one).
  private mutating func numberSharedGroups() {
    var groupMembers = [Int32](repeating: 0, count: Int(groupKeyCount))
    var clusterMembers = [Int32](repeating: 0, count: Int(clusterKeyCount))
    for item in items where item.alive {
      if item.groupKey >= 0 { groupMembers[Int(item.groupKey)] += 1 }
      if item.clusterKey >= 0 { clusterMembers[Int(item.clusterKey)] += 1 }
    }
    var groupNumber = [Int32](repeating: -1, count: Int(groupKeyCount))
    var clusterNumber = [Int32](repeating: -1, count: Int(clusterKeyCount))
    groupCount = 0
    clusterCount = 0
    for index in items.indices {
      let (group, cluster) = (Int(items[index].groupKey), Int(items[index].clusterKey))
      items[index].translationGroup = -1
      items[index].cluster = -1
      guard items[index].alive else { continue }
      if group >= 0 && groupMembers[group] > 1 {
        if groupNumber[group] < 0 {
          groupNumber[group] = groupCount
          groupCount += 1
        }
        items[index].translationGroup = groupNumber[group]
      }
      if cluster >= 0 && clusterMembers[cluster] > 1 {
        if clusterNumber[cluster] < 0 {
          clusterNumber[cluster] = clusterCount
          clusterCount += 1
        }
        items[index].cluster = clusterNumber[cluster]
      }
    }
  }

  private mutating func valueID(facet: Facet, value: String) -> Int32 {
    let key = FacetValue(facet: facet, value: value)
    if let id = valueIndex[key] { return id }
    values.append(key)
    valueIndex[key] = Int32(values.count - 1)
    return Int32(values.count - 1)
  }

  private mutating func language(_ tag: String?) -> Int32 {
    guard let tag else { return -1 }
    if let id = languageIndex[tag] { return id }
    languageTags.append(tag)
    languageIndex[tag] = Int32(languageTags.count - 1)
    return Int32(languageTags.count - 1)
  }

  private static func intern(
    _ key: String?, in index: inout [String: Int32], _ count: inout Int32
  ) -> Int32 {
    guard let key else { return -1 }
    if let id = index[key] { return id }
    index[key] = count
    count += 1
    return count - 1
  }

  /// The language facet's values over the entries still in the index.
  private func liveLanguages() -> [String] {
    var used = Set<Int32>()
    for item in items where item.alive {
      for slot in Int(item.facetStart)..<Int(item.facetStart + item.facetCount) {
        let value = facetValues[slot]
        if values[Int(value)].facet == .language { used.insert(value) }
      }
    }
    return used.map { values[Int($0)].value }.sorted()
  }
}

/// The search table of the index's current state, shared by every search on one database.
final class SearchTables: @unchecked Sendable {  // `table` only under `lock`
  private let lock = NSLock()
  private var table: SearchTable?

  /// The table for the state `db`'s transaction sees: kept, refreshed from the harvests since,
  /// or loaded whole. Searches wait for one another here, since each would do the same work.
  func table(for db: Database) throws -> SearchTable {
    let generation = try DromDatabase.generation(db)
    return try lock.withLock {
      if let table, table.generation == generation { return table }
      if var next = table, next.generation < generation, try next.refresh(db, to: generation) {
        table = next
        return next
      }
      let loaded = try SearchTable.load(db, generation: generation)
      // A transaction older than the kept table (it began before a harvest committed) gets a
      // table of its own rather than rolling the shared one back.
      if (table?.generation ?? -1) < generation { table = loaded }
      return loaded
    }
  }
}

import Foundation
import GRDB

/// The full-text index again, in memory: for every term, the entries that hold it and how often
/// (weighted by column as the search ranks them), and every entry's length in tokens.
///
/// FTS5 finds matches quickly, but ranking them costs it a call of `bm25()` per matching row,
/// each walking the row's position lists: ~30 ms for a word in half of 100 000 entries. Here a
/// word's matches are one array, and bm25 over them is a pass of arithmetic. The terms are made
/// by the same code as FTS5's (`DromTokenizer.forEachTerm`), the row count and token totals are
/// FTS5's own, and every entry's length is checked against FTS5's, so the scores are FTS5's to
/// the last bit (`TermIndexTests`); where anything disagrees, searches go to FTS5 instead.
struct TermIndex: Sendable {
  /// One entry holding a term: its row in the search table, and its instances weighted as the
  /// search weighs columns (title 10, summary 4, content 1), with a bit for each column that
  /// holds it (a snippet reads only those columns).
  struct Posting: Sendable {
    var row: Int32
    var packed: UInt32

    static let columnShift: UInt32 = 29
    static let weightMask: UInt32 = (1 << columnShift) - 1

    var weight: UInt32 { packed & Self.weightMask }
    /// Bit 0: the title holds the term, 1: the summary, 2: the content.
    var columns: UInt32 { packed >> Self.columnShift }
  }

  static let columnWeights: [UInt32] = [10, 4, 1]

  private(set) var postings: [[Posting]] = []
  private(set) var terms: [[UInt8]] = []
  /// Term ids in the byte order of their terms: a prefix is a range of it.
  private(set) var sortedTerms: [Int32] = []
  /// Tokens per search-table row, all columns: bm25's document length.
  private(set) var lengths: [Int32] = []
  /// Whether each row's entry is still in the index (a harvest retires the rows of entries it
  /// read again, whose postings stay until the table is loaded afresh).
  private(set) var live: [Bool] = []
  /// How many rows are no longer live: with none, a search need not ask.
  private(set) var retired = 0
  /// Why this index cannot stand in for FTS5 (nil: it can).
  private(set) var unusable: String?
  private var ids: [UInt64: Int32] = [:]
  /// Terms whose hash another term already has (rare; checked by bytes).
  private var collided: [[UInt8]: Int32] = [:]

  func id(of term: UnsafeBufferPointer<UInt8>) -> Int32? {
    if let id = ids[Self.hash(term)], terms[Int(id)].elementsEqual(term) { return id }
    return collided.isEmpty ? nil : collided[Array(term)]
  }

  /// The columns of `row` holding `term` (`Posting.columns`; 0: none). A term's postings are
  /// in row order: rows are numbered as they are read, and each is read once.
  func columns(of row: Int32, holding term: Int32) -> UInt32 {
    postings[Int(term)].withUnsafeBufferPointer { list in
      var low = 0
      var high = list.count
      while low < high {
        let middle = (low + high) / 2
        if list[middle].row < row { low = middle + 1 } else { high = middle }
      }
      return low < list.count && list[low].row == row ? list[low].columns : 0
    }
  }

  /// The ids of the terms that start with `prefix`, in byte order.
  func ids(withPrefix prefix: UnsafeBufferPointer<UInt8>) -> ArraySlice<Int32> {
    func precedes(_ id: Int32) -> Bool {
      terms[Int(id)].lexicographicallyPrecedes(prefix)
    }
    var low = 0
    var high = sortedTerms.count
    while low < high {
      let middle = (low + high) / 2
      if precedes(sortedTerms[middle]) { low = middle + 1 } else { high = middle }
    }
    var end = low
    while end < sortedTerms.count, terms[Int(sortedTerms[end])].starts(with: prefix) { end += 1 }
    return sortedTerms[low..<end]
  }

  /// Reads and indexes the entries meeting `condition`, which the search table has just put at
  /// rows `first...` in the same order (by id); then checks every length against FTS5's.
  mutating func append(
    _ db: Database, entriesWhere condition: String, arguments: StatementArguments, first: Int,
    rowOf: (Int64) -> Int32?
  ) throws {
    var caches: [String: TermCache] = [:]
    var weights: [UInt32] = []
    var touched: [Int32] = []
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT id, COALESCE(language, ''), title, summary, contentText FROM entry
        WHERE \(condition) ORDER BY id
        """, arguments: arguments)
    var expected = first
    while let row = try rows.next() {
      guard let tableRow = rowOf(row[0]), Int(tableRow) == expected else {
        unusable = "the entries changed while the search table was read"
        return
      }
      expected += 1
      let language: String = row[1]
      var length: Int32 = 0
      for column in 0..<3 {
        guard var text = row[column + 2] as String? else { continue }
        let weight = Self.columnWeights[column]
        text.withUTF8 { bytes in
          DromTokenizer.forEachTerm(in: bytes, language: language, caches: &caches) { term, _, _ in
            length += 1
            let id = intern(term)
            if Int(id) >= weights.count {
              weights.append(contentsOf: repeatElement(0, count: Int(id) + 1 - weights.count))
            }
            let packed = weights[Int(id)]
            if packed == 0 { touched.append(id) }
            // A weight past 2^29 would need a column of 50 million words: feeds are smaller
            // by far (`FetchPolicy.maxBytes`); it would stop growing rather than spill.
            let total = min((packed & Posting.weightMask) + weight, Posting.weightMask)
            weights[Int(id)] =
              (packed & ~Posting.weightMask) | total | (1 << (Posting.columnShift + UInt32(column)))
          }
        }
      }
      for id in touched {
        postings[Int(id)].append(Posting(row: tableRow, packed: weights[Int(id)]))
        weights[Int(id)] = 0
      }
      touched.removeAll(keepingCapacity: true)
      lengths.append(length)
      live.append(true)
    }
    sortedTerms = terms.indices.map(Int32.init).sorted {
      terms[Int($0)].lexicographicallyPrecedes(terms[Int($1)])
    }
    try checkLengths(db, entriesWhere: condition, arguments: arguments, first: first)
  }

  /// FTS5's own length of each entry just read (its `docsize` table): a term list that
  /// disagrees with FTS5's would rank differently.
  private mutating func checkLengths(
    _ db: Database, entriesWhere condition: String, arguments: StatementArguments, first: Int
  ) throws {
    let sizes = try Row.fetchCursor(
      db,
      sql: """
        SELECT entry.id, entryText_docsize.sz FROM entry
        LEFT JOIN entryText_docsize ON entryText_docsize.id = entry.id
        WHERE \(condition) ORDER BY entry.id
        """, arguments: arguments)
    var row = first
    while let size = try sizes.next() {
      guard row < lengths.count, let blob = size[1] as Data?,
        Self.varints(blob).reduce(0, +) == Int64(lengths[row])
      else {
        unusable = "entry \(size[0] as Int64) has a different length in FTS5"
        return
      }
      row += 1
    }
    if row != lengths.count { unusable = "FTS5 has a different number of entries" }
  }

  mutating func retire(row: Int32) {
    if Int(row) < live.count, live[Int(row)] {
      live[Int(row)] = false
      retired += 1
    }
  }

  /// Checks the live rows against FTS5's count of rows and tokens, which bm25 divides by.
  mutating func check(against totals: (rows: Int64, tokens: Int64)?) {
    if unusable == nil { unusable = disagreement(with: totals) }
  }

  /// How the live rows differ from FTS5's count of rows and tokens; nil when they agree.
  func disagreement(with totals: (rows: Int64, tokens: Int64)?) -> String? {
    guard let totals else { return "FTS5 has no averages record" }
    var rows: Int64 = 0
    var tokens: Int64 = 0
    for (row, isLive) in live.enumerated() where isLive {
      rows += 1
      tokens += Int64(lengths[row])
    }
    guard rows != totals.rows || tokens != totals.tokens else { return nil }
    return
      "FTS5 counts \(totals.rows) entries and \(totals.tokens) tokens, the table \(rows) and \(tokens)"
  }

  private mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> Int32 {
    let hash = Self.hash(term)
    if let id = ids[hash] {
      if terms[Int(id)].elementsEqual(term) { return id }
      if let id = collided[Array(term)] { return id }
      let new = add(Array(term))
      collided[Array(term)] = new
      return new
    }
    let new = add(Array(term))
    ids[hash] = new
    return new
  }

  private mutating func add(_ term: [UInt8]) -> Int32 {
    terms.append(term)
    postings.append([])
    return Int32(terms.count - 1)
  }

  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }

  /// A run of SQLite varints (FTS5's records: `docsize`, one per column; the averages record,
  /// the row count then one total per column).
  static func varints(_ data: Data) -> [Int64] {
    var values: [Int64] = []
    var value: Int64 = 0
    var bytes = 0
    for byte in data {
      bytes += 1
      if bytes == 9 {  // the ninth byte of a varint carries eight bits
        values.append(value << 8 | Int64(byte))
        (value, bytes) = (0, 0)
      } else if byte & 0x80 != 0 {
        value = value << 7 | Int64(byte & 0x7F)
      } else {
        values.append(value << 7 | Int64(byte))
        (value, bytes) = (0, 0)
      }
    }
    return values
  }

  /// FTS5's row count and total tokens (all columns), from its averages record: bm25's N and,
  /// divided, its average document length.
  static func totals(_ db: Database) throws -> (rows: Int64, tokens: Int64)? {
    guard let blob = try Data.fetchOne(db, sql: "SELECT block FROM entryText_data WHERE id = 1"),
      let rows = varints(blob).first
    else { return nil }
    return (rows, varints(blob).dropFirst().reduce(0, +))
  }
}

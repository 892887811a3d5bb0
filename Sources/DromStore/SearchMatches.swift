import Foundation

/// The entries one search matches, with their scores (bm25: lower is better), filtered by the
/// query's facets and dates, then collapsed and counted over the search table.
struct Matches {
  /// Score of an entry found only through a concept: after every text match.
  static let conceptOnlyScore = 1e9

  let table: SearchTable
  private(set) var rows: [Int32] = []
  private(set) var scores: [Double] = []
  private var taken: [Bool]
  /// Per facet filtered on, the values any of which an entry must have.
  private let filters: [[Int32]]
  /// Per facet value, a bit for each filter it satisfies: an entry passes when its values
  /// together set every filter's bit (one pass over its values, no search in lists).
  private let filterBits: [UInt64]
  private let allFilters: UInt64
  private let updatedSince: Double?

  /// Nil when a filter names a value no entry has: nothing can match.
  init?(_ query: SearchQuery, table: SearchTable) {
    self.table = table
    var filters: [[Int32]] = []
    for (facet, values) in query.filters where !values.isEmpty {
      let ids = values.compactMap { table.valueID(facet, $0) }
      if ids.isEmpty { return nil }
      filters.append(ids)
    }
    self.filters = filters
    var filterBits = [UInt64](repeating: 0, count: filters.isEmpty ? 0 : table.values.count)
    for (index, values) in filters.enumerated() where index < 64 {
      for value in values { filterBits[Int(value)] |= 1 << UInt64(index) }
    }
    self.filterBits = filterBits
    allFilters = filters.count >= 64 ? .max : (1 << UInt64(filters.count)) - 1
    updatedSince = query.updatedSince.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }
    taken = [Bool](repeating: false, count: table.items.count)
  }

  /// Admits matches (a text search's, a concept's entries, the whole index) that pass the
  /// filters and the date, each row once, in one loop over raw buffers.
  mutating func admit(_ scored: [(row: Int32, score: Double)]) {
    let (filtered, allFilters, updatedSince) = (!filters.isEmpty, allFilters, updatedSince)
    var newScores: [Double] = []
    let newRows = table.items.withUnsafeBufferPointer { items in
      table.facetValues.withUnsafeBufferPointer { facetValues in
        filterBits.withUnsafeBufferPointer { filterBits in
          taken.withUnsafeMutableBufferPointer { taken in
            // Written into arrays made for them, not appended one by one.
            [Int32](unsafeUninitializedCapacity: scored.count) { rowsOut, rowCount in
              newScores = [Double](unsafeUninitializedCapacity: scored.count) {
                scoresOut, scoreCount in
                var count = 0
                for (row, score) in scored {
                  let index = Int(row)
                  guard !taken[index] else { continue }
                  taken[index] = true
                  let item = items[index]
                  guard item.alive else { continue }
                  if filtered {
                    var found: UInt64 = 0
                    let start = Int(item.facetStart)
                    for slot in start..<start + Int(item.facetCount) {
                      found |= filterBits[Int(facetValues[slot])]
                    }
                    guard found == allFilters else { continue }
                  }
                  if let updatedSince, !(item.updated >= updatedSince) { continue }
                  rowsOut[count] = row
                  scoresOut[count] = score
                  count += 1
                }
                scoreCount = count
              }
              rowCount = newScores.count
            }
          }
        }
      }
    }
    if rows.isEmpty {
      (rows, scores) = (newRows, newScores)
    } else {
      rows += newRows
      scores += newScores
    }
  }

  /// Every entry: a search without words lists the index.
  mutating func admitAll() {
    admit(table.items.indices.map { (Int32($0), Self.conceptOnlyScore) })
  }

  /// Entries tagged with one concept of every group, and, when given, whose text matches too.
  mutating func admitTagged(with concepts: [[Int32]], alsoMatching text: Set<Int64>?) {
    guard !concepts.isEmpty, concepts.count <= 64 else { return }
    // Each concept value marks the groups it belongs to; an entry qualifies when its values
    // together mark every group.
    var groupsOf = [UInt64](repeating: 0, count: table.values.count)
    for (group, values) in concepts.enumerated() {
      for value in values { groupsOf[Int(value)] |= 1 << UInt64(group) }
    }
    let all: UInt64 = concepts.count == 64 ? .max : (1 << UInt64(concepts.count)) - 1
    // The candidates: the rows tagged with a value of the group that tags the fewest rows (a
    // pass over the whole table cost 3 ms at 100 000 entries); each is then checked for all.
    func rows(of group: [Int32]) -> Int {
      group.reduce(0) {
        $0 + (Int($1) < table.rowsWithValue.count ? table.rowsWithValue[Int($1)].count : 0)
      }
    }
    guard let driver = concepts.min(by: { rows(of: $0) < rows(of: $1) }) else { return }
    var tagged: [Int32] = []
    var visited = [UInt64](repeating: 0, count: (table.items.count + 63) / 64)
    table.items.withUnsafeBufferPointer { items in
      table.facetValues.withUnsafeBufferPointer { facetValues in
        for value in driver where Int(value) < table.rowsWithValue.count {
          for row in table.rowsWithValue[Int(value)] {
            let index = Int(row)
            let bit: UInt64 = 1 << UInt64(index & 63)
            guard visited[index >> 6] & bit == 0 else { continue }
            visited[index >> 6] |= bit
            guard items[index].alive, !taken[index] else { continue }
            let item = items[index]
            // One group: the driver's values are all of it, so every candidate has one.
            if concepts.count == 1 {
              if text?.contains(item.id) ?? true { tagged.append(row) }
              continue
            }
            var found: UInt64 = 0
            for slot in Int(item.facetStart)..<Int(item.facetStart + item.facetCount) {
              found |= groupsOf[Int(facetValues[slot])]
            }
            if found == all, text?.contains(item.id) ?? true { tagged.append(row) }
          }
        }
      }
    }
    admit(tagged.map { ($0, Self.conceptOnlyScore) })
  }

  /// One match per translation group (the version in the reader's language, then the best
  /// scored), then one per practice several partners publish (the best-scored copy): how many
  /// there are, and the page asked for, in the order asked for.
  func collapsed(readerLanguage: String?, sort: SearchSort, offset: Int, limit: Int)
    -> (total: Int, page: [(id: Int64, score: Double)])
  {
    table.items.withUnsafeBufferPointer { items in
      rows.withUnsafeBufferPointer { rows in
        scores.withUnsafeBufferPointer { scores in
          collapsed(
            readerLanguage: readerLanguage, sort: sort, offset: offset, limit: limit,
            items: items, rows: rows, scores: scores)
        }
      }
    }
  }

  private func collapsed(
    readerLanguage: String?, sort: SearchSort, offset: Int, limit: Int,
    items: UnsafeBufferPointer<SearchTable.Item>, rows: UnsafeBufferPointer<Int32>,
    scores: UnsafeBufferPointer<Double>
  ) -> (total: Int, page: [(id: Int64, score: Double)]) {
    let reader = readerLanguage?.lowercased() ?? ""
    let inReaderLanguage = table.languageTags.map { tag in
      !reader.isEmpty && (tag.lowercased() == reader || tag.lowercased().hasPrefix(reader + "-"))
    }
    func item(_ match: Int) -> SearchTable.Item { items[Int(rows[match])] }
    func versionPrecedes(_ a: Int, _ b: Int) -> Bool {
      let (x, y) = (item(a), item(b))
      let preferX = x.language >= 0 && inReaderLanguage[Int(x.language)]
      let preferY = y.language >= 0 && inReaderLanguage[Int(y.language)]
      if preferX != preferY { return preferX }
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      return x.id < y.id
    }
    func copyPrecedes(_ a: Int, _ b: Int) -> Bool {
      let (x, y) = (item(a), item(b))
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      if x.updated != y.updated { return x.updated > y.updated }
      return x.id < y.id
    }
    // Only entries with another live version, or another partner's copy, are collapsed (the
    // table numbers just those); every other match is shown as it is.
    var bestVersion = [Int32](repeating: -1, count: Int(table.groupCount))
    for match in rows.indices {
      let group = Int(item(match).translationGroup)
      guard group >= 0 else { continue }
      if bestVersion[group] < 0 || versionPrecedes(match, Int(bestVersion[group])) {
        bestVersion[group] = Int32(match)
      }
    }
    var bestCopy = [Int32](repeating: -1, count: Int(table.clusterCount))
    var copied: [Int32] = []
    var shown: [Int] = []
    shown.reserveCapacity(rows.count)
    for match in rows.indices {
      let found = item(match)
      if found.translationGroup >= 0 && bestVersion[Int(found.translationGroup)] != Int32(match) {
        continue
      }
      let cluster = Int(found.cluster)
      guard cluster >= 0 else {
        shown.append(match)
        continue
      }
      if bestCopy[cluster] < 0 {
        copied.append(Int32(cluster))
        bestCopy[cluster] = Int32(match)
      } else if copyPrecedes(match, Int(bestCopy[cluster])) {
        bestCopy[cluster] = Int32(match)
      }
    }
    // (The page is the same whatever the order of `shown`: the orders below are total.)
    for cluster in copied { shown.append(Int(bestCopy[Int(cluster)])) }
    func newestPrecedes(_ a: Int, _ b: Int) -> Bool {
      let (x, y) = (item(a), item(b))
      if x.updated != y.updated { return x.updated > y.updated }
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      return x.id < y.id
    }
    let page = Self.first(
      offset + limit, of: shown, by: sort == .relevance ? copyPrecedes : newestPrecedes
    ).dropFirst(offset)
    return (shown.count, page.map { (item($0).id, scores[$0]) })
  }

  /// The first `count` elements in order, without sorting the rest: a page is 20 of
  /// thousands of matches.
  static func first(_ count: Int, of elements: [Int], by precedes: (Int, Int) -> Bool) -> [Int] {
    guard count > 0 else { return [] }
    if count >= elements.count / 4 {
      return Array(elements.sorted(by: precedes).prefix(count))
    }
    var top: [Int] = []
    top.reserveCapacity(count + 1)
    for element in elements {
      if top.count == count, !precedes(element, top[count - 1]) { continue }
      var low = 0
      var high = top.count
      while low < high {
        let middle = (low + high) / 2
        if precedes(element, top[middle]) { high = middle } else { low = middle + 1 }
      }
      top.insert(element, at: low)
      if top.count > count { top.removeLast() }
    }
    return top
  }

  /// How many matches have each facet value (concepts aside: themes and target groups show
  /// them by name), most frequent first.
  /// `bitsets`: count through the table's `FacetPlan` or match by match (nil: the cheaper).
  func facetCounts(bitsets: Bool? = nil) -> [String: [FacetCount]] {
    var counts = [Int32](repeating: 0, count: table.values.count)
    if let plan = table.facetPlan, bitsets ?? (rows.count * table.facetsPerRow > plan.cost) {
      plan.count(rows, rowsWithValue: table.rowsWithValue, into: &counts)
      return facets(counts)
    }
    counts.withUnsafeMutableBufferPointer { counts in
      table.items.withUnsafeBufferPointer { items in
        table.facetValues.withUnsafeBufferPointer { facetValues in
          for row in rows {
            let item = items[Int(row)]
            for slot in Int(item.facetStart)..<Int(item.facetStart + item.facetCount) {
              counts[Int(facetValues[slot])] += 1
            }
          }
        }
      }
    }
    return facets(counts)
  }

  /// The counts by facet, most frequent first, concepts aside.
  private func facets(_ counts: [Int32]) -> [String: [FacetCount]] {
    var facets: [String: [FacetCount]] = [:]
    for (value, count) in counts.enumerated() where count > 0 {
      let facetValue = table.values[value]
      guard facetValue.facet != .concept else { continue }
      facets[facetValue.facet.rawValue, default: []].append(
        FacetCount(value: facetValue.value, count: Int(count)))
    }
    for facet in facets.keys {
      facets[facet]!.sort {
        $0.count != $1.count
          ? $0.count > $1.count : $0.value.utf8.lexicographicallyPrecedes($1.value.utf8)
      }
    }
    return facets
  }
}

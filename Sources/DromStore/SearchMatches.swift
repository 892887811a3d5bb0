import Foundation

/// The entries one search matches, with their scores (bm25: lower is better), filtered by the
/// query's facets and dates, then collapsed and counted over the search table.
struct Matches {
  /// Score of an entry found only through a concept: after every text match.
  static let conceptOnlyScore = 1e9

  let table: SearchTable
  /// The matches, in the order admitted, and their scores.
  private(set) var rows: [Int32] = []
  private(set) var scores: [Double] = []
  /// The same rows as a set, with the concept-only ones.
  private(set) var matched: RowBits
  /// Matches found only through a concept, kept as a set: they all score the same, after every
  /// text match, so a page that text matches fill needs only how many they add (`collapsed`).
  private(set) var conceptOnly: RowBits
  private(set) var conceptOnlyCount = 0

  /// How many entries match, concept-only ones included.
  var count: Int { rows.count + conceptOnlyCount }
  /// The rows a match may be: live, with a value of every facet filtered on, updated since the
  /// date asked for.
  let allowed: RowBits

  /// Nil when a filter names a value no entry has: nothing can match.
  init?(_ query: SearchQuery, table: SearchTable) {
    self.table = table
    var allowed = table.liveRows
    for (facet, values) in query.filters where !values.isEmpty {
      let ids = values.compactMap { table.valueID(facet, $0) }
      if ids.isEmpty { return nil }
      allowed.formIntersection(table.rows(withAnyOf: ids))
    }
    if let since = query.updatedSince {
      let since = (since.timeIntervalSince1970 * 1000).rounded() / 1000
      let before = table.items.indices.lazy.filter { !(table.items[$0].updated >= since) }
      for row in before { allowed.remove(Int32(row)) }
    }
    self.allowed = allowed
    matched = RowBits(rows: table.items.count)
    conceptOnly = RowBits(rows: table.items.count)
  }

  /// Admits a text search's matches, all within `allowed` (`SearchTable.textMatches`), before
  /// any other.
  mutating func admit(_ found: TextMatches) {
    precondition(rows.isEmpty, "text matches come first")
    (rows, scores) = (found.rows, found.scores)
    for row in rows { matched.insert(row) }
  }

  /// Admits matches found some other way (FTS5's) that are allowed, each row once.
  mutating func admit(_ scored: [(row: Int32, score: Double)]) {
    for (row, score) in scored where allowed.contains(row) && !matched.contains(row) {
      matched.insert(row)
      rows.append(row)
      scores.append(score)
    }
  }

  /// Every entry allowed: a search without words lists the index.
  mutating func admitAll() {
    admit(allowed, score: Self.conceptOnlyScore)
  }

  /// The rows of `found` not yet matched, all with one score.
  private mutating func admit(_ found: RowBits, score: Double) {
    var found = found
    found.subtract(matched)
    let start = rows.count
    found.forEachRow { rows.append($0) }
    scores.append(contentsOf: repeatElement(score, count: rows.count - start))
    matched.formUnion(found)
  }

  /// Entries tagged with one concept of every group, and, when given, whose text matches too.
  mutating func admitTagged(with concepts: [[Int32]], alsoMatching text: RowBits?) {
    guard !concepts.isEmpty else { return }
    var tagged = allowed
    for group in concepts { tagged.formIntersection(table.rows(withAnyOf: group)) }
    if let text { tagged.formIntersection(text) }
    tagged.subtract(matched)
    matched.formUnion(tagged)
    conceptOnly.formUnion(tagged)
    conceptOnlyCount = conceptOnly.count
  }

  /// One match per translation group (the version in the reader's language, then the best
  /// scored), then one per practice several partners publish (the best-scored copy): how many
  /// there are, and the page asked for, in the order asked for.
  ///
  /// `deferring`: count concept-only matches without ranking them when text matches fill the
  /// page (false: rank them all, as the tests compare).
  func collapsed(
    readerLanguage: String?, sort: SearchSort, offset: Int, limit: Int, deferring: Bool = true
  ) -> (total: Int, page: [(id: Int64, score: Double)]) {
    let reader = readerLanguage?.lowercased() ?? ""
    let inReaderLanguage = table.languageTags.map { tag in
      !reader.isEmpty && (tag.lowercased() == reader || tag.lowercased().hasPrefix(reader + "-"))
    }
    guard conceptOnlyCount > 0 else {
      return collapsed(
        inReaderLanguage, sort: sort, offset: offset, limit: limit, rows: rows, scores: scores
      ).ranked
    }
    // Concept-only matches rank after every text match (a bm25 score is far below theirs), and
    // without a preferred language no version of theirs displaces a text match's. When none
    // shares a practice with another partner and the text matches fill the page, each adds one
    // entry, or one for its translation group when no text match is in the group.
    if deferring, sort == .relevance, offset + limit <= TopK.largest,
      !inReaderLanguage.contains(true),
      conceptOnly.intersectionCount(table.clusteredRows) == 0
    {
      let (ranked, bestVersion) = collapsed(
        inReaderLanguage, sort: sort, offset: offset, limit: limit, rows: rows, scores: scores)
      if ranked.total >= offset + limit {
        var added = conceptOnlyCount - conceptOnly.intersectionCount(table.sharedRows)
        var shared = conceptOnly
        shared.formIntersection(table.sharedRows)
        var counted = bestVersion
        table.translationGroupOf.withUnsafeBufferPointer { groupOf in
          shared.forEachRow { row in
            let group = Int(groupOf[Int(row)])
            guard group >= 0, counted[group] == -1 else { return }
            counted[group] = -2
            added += 1
          }
        }
        return (ranked.total + added, ranked.page)
      }
    }
    var allRows = rows
    allRows.reserveCapacity(count)
    conceptOnly.forEachRow { allRows.append($0) }
    let allScores = scores + repeatElement(Self.conceptOnlyScore, count: conceptOnlyCount)
    return collapsed(
      inReaderLanguage, sort: sort, offset: offset, limit: limit, rows: allRows, scores: allScores
    ).ranked
  }

  /// The collapse over these matches, and the best version found of each translation group
  /// (-1: none of its versions matched).
  private func collapsed(
    _ inReaderLanguage: [Bool], sort: SearchSort, offset: Int, limit: Int, rows: [Int32],
    scores: [Double]
  ) -> (ranked: (total: Int, page: [(id: Int64, score: Double)]), bestVersion: [Int32]) {
    table.items.withUnsafeBufferPointer { items in
      table.sharing.withUnsafeBufferPointer { sharing in
        table.recencyRank.withUnsafeBufferPointer { recency in
          table.idRank.withUnsafeBufferPointer { idRank in
            rows.withUnsafeBufferPointer { rows in
              scores.withUnsafeBufferPointer { scores in
                collapsed(
                  inReaderLanguage, sort: sort, offset: offset, limit: limit,
                  items: items, sharing: sharing, recency: recency, idRank: idRank, rows: rows,
                  scores: scores)
              }
            }
          }
        }
      }
    }
  }

  private func collapsed(
    _ inReaderLanguage: [Bool], sort: SearchSort, offset: Int, limit: Int,
    items: UnsafeBufferPointer<SearchTable.Item>, sharing: UnsafeBufferPointer<SearchTable.Sharing>,
    recency: UnsafeBufferPointer<Int32>, idRank: UnsafeBufferPointer<Int32>,
    rows: UnsafeBufferPointer<Int32>,
    scores: UnsafeBufferPointer<Double>
  ) -> (ranked: (total: Int, page: [(id: Int64, score: Double)]), bestVersion: [Int32]) {
    func item(_ match: Int) -> SearchTable.Item { items[Int(rows[match])] }
    func shared(_ match: Int) -> SearchTable.Sharing { sharing[Int(rows[match])] }
    // Without a reader's language no version is preferred, and versions are told apart by
    // their scores alone (their rows' data is read only on a tie).
    let prefersLanguage = inReaderLanguage.contains(true)
    func versionPrecedes(_ a: Int, _ b: Int) -> Bool {
      if prefersLanguage {
        let (x, y) = (shared(a).language, shared(b).language)
        let preferX = x >= 0 && inReaderLanguage[Int(x)]
        let preferY = y >= 0 && inReaderLanguage[Int(y)]
        if preferX != preferY { return preferX }
      }
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      return idRank[Int(rows[a])] < idRank[Int(rows[b])]
    }
    func copyPrecedes(_ a: Int, _ b: Int) -> Bool {
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      return recency[Int(rows[a])] < recency[Int(rows[b])]
    }
    // A page of relevance is kept as the matches go by (`TopK`); other orders, and pages deep
    // enough that keeping them sorted costs more than sorting, collect every match shown first.
    let streaming = sort == .relevance && offset + limit <= TopK.largest
    var top = TopK(count: offset + limit)
    var shown: [Int] = []
    var total = 0
    func show(_ match: Int) {
      total += 1
      if streaming {
        top.offer(match, scores: scores, by: copyPrecedes)
      } else {
        shown.append(match)
      }
    }
    if !streaming { shown.reserveCapacity(rows.count) }
    // Only entries with another live version, or another partner's copy, are collapsed (the
    // table numbers just those, and marks their rows); every other match is shown as it is,
    // without reading anything more of it. The best version of each group is found on the way,
    // from a compact array of groups (a whole row's data was a cache miss a match).
    var collapsing: [Int] = []
    var collapsingGroup: [Int32] = []
    var bestVersion = [Int32](repeating: -1, count: Int(table.groupCount))
    table.sharedRows.words.withUnsafeBufferPointer { shared in
      table.translationGroupOf.withUnsafeBufferPointer { groupOf in
        for match in rows.indices {
          let row = Int(rows[match])
          guard shared[row >> 6] & (1 << UInt64(row & 63)) != 0 else {
            show(match)
            continue
          }
          let group = groupOf[row]
          collapsing.append(match)
          collapsingGroup.append(group)
          guard group >= 0 else { continue }
          let best = bestVersion[Int(group)]
          if best < 0 || versionPrecedes(match, Int(best)) {
            bestVersion[Int(group)] = Int32(match)
          }
        }
      }
    }
    var bestCopy = [Int32](repeating: -1, count: Int(table.clusterCount))
    var copied: [Int32] = []
    let clustered = table.clusteredRows
    for (index, match) in collapsing.enumerated() {
      let group = collapsingGroup[index]
      if group >= 0 && bestVersion[Int(group)] != Int32(match) { continue }
      guard clustered.contains(rows[match]) else {
        show(match)
        continue
      }
      let cluster = Int(shared(match).cluster)
      if bestCopy[cluster] < 0 {
        copied.append(Int32(cluster))
        bestCopy[cluster] = Int32(match)
      } else if copyPrecedes(match, Int(bestCopy[cluster])) {
        bestCopy[cluster] = Int32(match)
      }
    }
    // (The page is the same whatever the order matches are shown in: the orders are total.)
    for cluster in copied { show(Int(bestCopy[Int(cluster)])) }
    func newestPrecedes(_ a: Int, _ b: Int) -> Bool {
      let (x, y) = (item(a), item(b))
      if x.updated != y.updated { return x.updated > y.updated }
      if scores[a] != scores[b] { return scores[a] < scores[b] }
      return x.id < y.id
    }
    let page =
      streaming
      ? top.kept
      : sort == .relevance
        ? Self.first(offset + limit, of: shown, by: copyPrecedes)
        : Self.first(offset + limit, of: shown, by: newestPrecedes)
    return ((total, page.dropFirst(offset).map { (item($0).id, scores[$0]) }), bestVersion)
  }

  /// The first `count` matches of those offered, best first, the rest passed over as they come:
  /// one comparison of scores for most (the order puts lower scores first).
  private struct TopK {
    /// Past this many, sorting every match costs less than keeping them in order.
    static let largest = 256
    let count: Int
    private(set) var kept: [Int] = []
    private var worst = Double.infinity

    init(count: Int) {
      self.count = count
      kept.reserveCapacity(count + 1)
    }

    /// `scores`: when the order puts lower scores first, the element's, to pass over on one
    /// comparison what cannot enter.
    mutating func offer(
      _ element: Int, scores: UnsafeBufferPointer<Double>?, by precedes: (Int, Int) -> Bool
    ) {
      guard count > 0 else { return }
      if kept.count == count {
        if let scores, scores[element] > worst { return }
        if !precedes(element, kept[count - 1]) { return }
      }
      var low = 0
      var high = kept.count
      while low < high {
        let middle = (low + high) / 2
        if precedes(element, kept[middle]) { high = middle } else { low = middle + 1 }
      }
      kept.insert(element, at: low)
      if kept.count > count { kept.removeLast() }
      if let scores, kept.count == count { worst = scores[kept[count - 1]] }
    }
  }

  /// The first `count` elements in order, without sorting the rest: a page is 20 of
  /// thousands of matches.
  static func first(_ count: Int, of elements: [Int], by precedes: (Int, Int) -> Bool) -> [Int] {
    guard count > 0 else { return [] }
    if count >= elements.count / 4 {
      return Array(elements.sorted(by: precedes).prefix(count))
    }
    var top = TopK(count: count)
    for element in elements { top.offer(element, scores: nil, by: precedes) }
    return top.kept
  }

  /// How many matches have each facet value (concepts aside: themes and target groups show
  /// them by name), most frequent first.
  /// `bitsets`: count through the table's `FacetPlan` or match by match (nil: the cheaper).
  func facetCounts(bitsets: Bool? = nil) -> [String: [FacetCount]] {
    var counts = [Int32](repeating: 0, count: table.values.count)
    let plan = table.facetPlan
    // A word of a bitset costs less than an increment at a value read through the match's item
    // (sequential reads against scattered ones): measured, about four times less.
    if bitsets ?? (4 * count * table.facetsPerRow > plan.cost) {
      plan.count(matched, rowsWithValue: table.rowsWithValue, into: &counts)
      return facets(counts)
    }
    counts.withUnsafeMutableBufferPointer { counts in
      table.items.withUnsafeBufferPointer { items in
        table.facetValues.withUnsafeBufferPointer { facetValues in
          func add(_ row: Int32) {
            let item = items[Int(row)]
            for slot in Int(item.facetStart)..<Int(item.facetStart + item.facetCount) {
              counts[Int(facetValues[slot])] += 1
            }
          }
          for row in rows { add(row) }
          conceptOnly.forEachRow(add)
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

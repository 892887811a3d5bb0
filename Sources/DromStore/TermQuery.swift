import DromText
import Foundation

/// A query's words as the search reads them: one group per word, holding the word's forms
/// (folded, or stemmed in each language), any of which must match; forms of five letters or
/// more also match as prefixes, which finds compounds (diskriminerings|grunder) and endings a
/// stemmer leaves on. FTS5 gets them as a MATCH expression, `TermIndex` as they are.
struct QueryForms {
  struct Form: Hashable {
    var text: String
    var isPrefix: Bool
  }

  /// One phrase of the MATCH expression: a form as the single term FTS5 reads it as (the query
  /// tokenizer folds it again), exact or a prefix; `group` is its word.
  struct Phrase {
    var group: Int
    var term: [UInt8]
    var isPrefix: Bool

    func matches(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
      guard isPrefix ? token.count >= term.count : token.count == term.count else { return false }
      return term.withUnsafeBufferPointer { term in
        term.isEmpty || memcmp(token.baseAddress!, term.baseAddress!, term.count) == 0
      }
    }
  }

  let groups: [[Form]]
  /// Every form's phrase, in the MATCH expression's order; nil when a form is not exactly one
  /// term (FTS5 would read a phrase, which only it answers). Made once, for the ranking and
  /// the snippets.
  let phrases: [Phrase]?

  init(_ text: String, languages: [String]) {
    var groups: [[Form]] = []
    Analyzer.forEachWord(in: text) { word, _, _ in
      let terms = Analyzer.queryTerms(word, languages: languages)
      let prefixes = terms.filter { $0.count >= 5 }
      // A form that starts with another prefix form finds nothing more, and would read the
      // same postings twice ("diskriminering*" beside "diskrimin*").
      groups.append(
        terms
          .filter { term in !prefixes.contains { $0 != term && term.hasPrefix($0) } }
          .map { Form(text: $0, isPrefix: $0.count >= 5) })
    }
    self.groups = groups
    phrases = Self.phrases(of: groups)
  }

  private static func phrases(of groups: [[Form]]) -> [Phrase]? {
    var phrases: [Phrase] = []
    var caches: [String: TermCache] = [:]
    for (group, forms) in groups.enumerated() {
      for form in forms {
        var found: [[UInt8]] = []
        var text = form.text
        text.withUTF8 { bytes in
          DromTokenizer.forEachTerm(in: bytes, language: nil, caches: &caches) { term, _, _ in
            found.append(Array(term))
          }
        }
        guard found.count == 1 else { return nil }
        phrases.append(Phrase(group: group, term: found[0], isPrefix: form.isPrefix))
      }
    }
    return phrases
  }

  /// The FTS5 MATCH expression: each form quoted, so operators and punctuation in user text
  /// are plain words; nil without words.
  var ftsMatch: String? {
    let rendered = groups.map { forms in
      let quoted = forms.map {
        "\"" + $0.text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
          + ($0.isPrefix ? "*" : "")
      }
      return quoted.count == 1 ? quoted[0] : "(" + quoted.joined(separator: " OR ") + ")"
    }
    return rendered.isEmpty ? nil : rendered.joined(separator: " AND ")
  }
}

/// A text search's matches: rows, and their bm25 scores in the same order (0 unscored).
struct TextMatches {
  var rows: [Int32]
  var scores: [Double]
}

extension TermIndex {
  /// One phrase of the MATCH expression, in its order there: the terms it matches.
  private struct PostingsPhrase {
    var group: Int
    var terms: [Int32]
  }

  /// The rows of `allowed` matching every group, each with its bm25 score exactly as FTS5's
  /// `bm25(entryText, 10.0, 4.0, 1.0)` computes it (lower is better): over every live row, so a
  /// filter changes which rows come back, not their scores. Nil when a form is not one term,
  /// which only FTS5 reads right (it would be a phrase).
  ///
  /// `totals` are FTS5's row and token counts. Without `scoring`, the scores are 0.
  func matches(
    _ forms: QueryForms, within allowed: RowBits, totals: (rows: Int64, tokens: Int64),
    scoring: Bool = true
  ) -> TextMatches? {
    guard unusable == nil, !forms.groups.isEmpty, forms.groups.count <= 64,
      let queryPhrases = forms.phrases
    else { return nil }
    let phrases = queryPhrases.map { phrase in
      let terms = phrase.term.withUnsafeBufferPointer { term -> [Int32] in
        phrase.isPrefix ? Array(ids(withPrefix: term)) : id(of: term).map { [$0] } ?? []
      }
      return PostingsPhrase(group: phrase.group, terms: terms)
    }
    let all: UInt64 = forms.groups.count == 64 ? .max : (1 << UInt64(forms.groups.count)) - 1
    return TermScratch.pool.with { scratch in
      scratch.reserve(lengths.count)
      return live.withUnsafeBufferPointer { live in
        lengths.withUnsafeBufferPointer { lengths in
          allowed.words.withUnsafeBufferPointer { allowed in
            evaluate(
              phrases, all: all, totals: totals, scoring: scoring, scratch, live: live,
              allowed: allowed, lengths: lengths)
          }
        }
      }
    }
  }

  private func evaluate(
    _ phrases: [PostingsPhrase], all: UInt64, totals: (rows: Int64, tokens: Int64), scoring: Bool,
    _ scratch: TermScratch, live: UnsafeBufferPointer<Bool>, allowed: UnsafeBufferPointer<UInt64>,
    lengths: UnsafeBufferPointer<Int32>
  ) -> TextMatches {
    let (mask, lastPhrase, frequency, score) =
      (scratch.mask, scratch.lastPhrase, scratch.frequency, scratch.score)
    var hits = [Int64](repeating: 0, count: phrases.count)
    var touched: [Int32] = []
    touched.reserveCapacity(
      min(
        live.count, phrases.reduce(0) { $0 + $1.terms.reduce(0) { $0 + postings[Int($1)].count } }))
    // Which rows each phrase matches, and how many live rows (its document frequency).
    for (index, phrase) in phrases.enumerated() {
      let bit: UInt64 = 1 << UInt64(phrase.group)
      var hit: Int64 = 0
      if phrase.terms.count == 1 && retired == 0 {
        // One term, every row live: its rows are distinct and all count.
        postings[Int(phrase.terms[0])].withUnsafeBufferPointer { list in
          hit = Int64(list.count)
          for posting in list {
            let row = Int(posting.row)
            guard allowed[row >> 6] & (1 << UInt64(row & 63)) != 0 else { continue }
            if mask[row] == 0 { touched.append(posting.row) }
            mask[row] |= bit
          }
        }
        hits[index] = hit
        continue
      }
      let stamp = scratch.nextStamp()
      let allLive = retired == 0
      for term in phrase.terms {
        postings[Int(term)].withUnsafeBufferPointer { list in
          for posting in list where allLive || live[Int(posting.row)] {
            let row = Int(posting.row)
            if lastPhrase[row] != stamp {
              lastPhrase[row] = stamp
              hit += 1
            }
            guard allowed[row >> 6] & (1 << UInt64(row & 63)) != 0 else { continue }
            if mask[row] == 0 { touched.append(posting.row) }
            mask[row] |= bit
          }
        }
      }
      hits[index] = hit
    }
    // With one word, every row touched has all of it.
    let matching = all == 1 ? touched : touched.filter { mask[Int($0)] == all }
    defer {
      // The scratch goes back as it came: zeros in every row (phrases are told apart by stamps
      // that are never used twice).
      for row in touched { mask[Int(row)] = 0 }
      for row in matching { score[Int(row)] = 0 }
    }
    guard scoring else {
      return TextMatches(rows: matching, scores: [Double](repeating: 0, count: matching.count))
    }

    // bm25, as fts5_aux.c computes it: phrase by phrase, in the expression's order.
    let k1 = 1.2
    let b = 0.75
    let averageLength = Double(totals.tokens) / Double(totals.rows)
    var scored: [Int32] = []
    scored.reserveCapacity(matching.count)
    for (index, phrase) in phrases.enumerated() {
      let hit = hits[index]
      var idf = log((Double(totals.rows - hit) + 0.5) / (Double(hit) + 0.5))
      if idf <= 0.0 { idf = 1e-6 }
      if phrase.terms.count == 1 {
        // One term: a row's frequency is its one posting's weight, added straight to its
        // score (the same arithmetic, in the same order, as through `frequency`).
        postings[Int(phrase.terms[0])].withUnsafeBufferPointer { list in
          for posting in list where mask[Int(posting.row)] == all {
            let row = Int(posting.row)
            let f = Double(posting.weight)
            let length = Double(lengths[row])
            score[row] += idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * length / averageLength)))
          }
        }
        continue
      }
      for term in phrase.terms {
        postings[Int(term)].withUnsafeBufferPointer { list in
          // Only allowed rows have a mask: every one is live.
          for posting in list where mask[Int(posting.row)] == all {
            let row = Int(posting.row)
            if frequency[row] == 0 { scored.append(posting.row) }
            frequency[row] += posting.weight
          }
        }
      }
      for row in scored {
        let f = Double(frequency[Int(row)])
        let length = Double(lengths[Int(row)])
        score[Int(row)] +=
          idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * length / averageLength)))
        frequency[Int(row)] = 0
      }
      scored.removeAll(keepingCapacity: true)
    }
    return TextMatches(rows: matching, scores: matching.map { -1.0 * score[Int($0)] })
  }
}

/// A search's working arrays, one element per row, kept between searches and handed back
/// zeroed (a search clears only the rows it touched), so that a search costs its matches, not
/// the index's size.
final class TermScratch: @unchecked Sendable {  // used by one search at a time (the pool's lock)
  private(set) var capacity = 0
  private(set) var mask = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
  /// The stamp of the last phrase that found the row.
  private(set) var lastPhrase = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
  private var stamp: Int32 = 0
  private(set) var frequency = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
  private(set) var score = UnsafeMutablePointer<Double>.allocate(capacity: 0)

  func reserve(_ rows: Int) {
    guard rows > capacity else { return }
    release()
    capacity = max(rows, capacity * 5 / 4)
    mask = .allocate(capacity: capacity)
    mask.initialize(repeating: 0, count: capacity)
    lastPhrase = .allocate(capacity: capacity)
    lastPhrase.initialize(repeating: 0, count: capacity)
    frequency = .allocate(capacity: capacity)
    frequency.initialize(repeating: 0, count: capacity)
    score = .allocate(capacity: capacity)
    score.initialize(repeating: 0, count: capacity)
  }

  /// A stamp no row holds: a phrase marks the rows it finds with it, and no row needs clearing
  /// after (phrases outside the filters find rows the search then leaves alone).
  func nextStamp() -> Int32 {
    if stamp == .max {
      lastPhrase.update(repeating: 0, count: capacity)
      stamp = 0
    }
    stamp += 1
    return stamp
  }

  private func release() {
    mask.deallocate()
    lastPhrase.deallocate()
    frequency.deallocate()
    score.deallocate()
  }

  deinit { release() }

  /// Scratches for the searches running at once: as many as there ever were at the same time.
  static let pool = ReusePool(limit: .max) { TermScratch() }
}

import Foundation

/// FTS5's `snippet(entryText, -1, open, close, '…', 16)`, made from an entry's own text and a
/// query's terms, without asking FTS5: for a query with prefix forms FTS5 first gathers every
/// term with the prefix across the whole index, about 3 ms a hit at 100 000 entries, and a page
/// has 20. This follows fts5_aux.c (SQLite 3.40: `fts5SnippetFunction`, `fts5SnippetScore`,
/// `fts5SentenceFinderCb`, `fts5HighlightCb`, `fts5CInstIterNext`) step by step, so the
/// snippets are FTS5's to the byte (`TermIndexTests` compares them).
struct Snippet {
  /// One column as FTS5 reads it: the language marks, then the text; its tokens' byte ranges
  /// in that string, and the phrases each token matches.
  private struct Column {
    var text: [UInt8] = []
    var starts: [Int] = []
    var ends: [Int] = []
    /// Sentence starts (token positions), as `fts5SentenceFinderCb` finds them.
    var sentences: [Int] = []
  }

  /// An instance: a phrase found at a token, in FTS5's order (column, position, phrase).
  private struct Instance {
    var phrase: Int
    var column: Int
    var offset: Int
  }

  /// The snippet, or nil when the texts do not match every group (FTS5 would not return the
  /// row). `columns` are title, summary and content (nil: NULL).
  static func make(
    columns values: [String?], language: String, phrases: [QueryForms.Phrase], groups: Int,
    open: String, close: String, ellipsis: String = "…", tokens: Int = 16,
    caches: inout [String: TermCache]
  ) -> String? {
    var columns: [Column?] = []
    var instances: [Instance] = []
    var groupFound = [Bool](repeating: false, count: groups)
    var groupsFound = 0
    let mark = [DromTokenizer.mark] + Array(language.utf8) + [DromTokenizer.mark]
    for (index, value) in values.enumerated() {
      guard var value else {
        columns.append(nil)
        continue
      }
      var column = Column(text: mark)
      column.text.append(contentsOf: value.utf8)
      // About a token for every six bytes of text: grown a few times, not a hundred.
      column.starts.reserveCapacity(value.utf8.count / 6 + 4)
      column.ends.reserveCapacity(value.utf8.count / 6 + 4)
      var position = 0
      value.withUTF8 { bytes in
        DromTokenizer.forEachTerm(in: bytes, language: language, caches: &caches) {
          term, start, end in
          let (from, to) = (start + mark.count, end + mark.count)
          if position == 0 {
            column.sentences.append(0)
          } else {
            var back = from - 1
            var character: UInt8 = 0
            while back >= 0 {
              character = column.text[back]
              guard character == 0x20 || character == 0x09 || character == 0x0A || character == 0x0D
              else { break }
              back -= 1
            }
            if back != from - 1
              && (character == UInt8(ascii: ".") || character == UInt8(ascii: ":"))
            {
              column.sentences.append(position)
            }
          }
          for (phraseIndex, phrase) in phrases.enumerated() where phrase.matches(term) {
            instances.append(Instance(phrase: phraseIndex, column: index, offset: position))
            if !groupFound[phrase.group] {
              groupFound[phrase.group] = true
              groupsFound += 1
            }
          }
          column.starts.append(from)
          column.ends.append(to)
          position += 1
        }
      }
      columns.append(column)
    }
    guard groupsFound == groups else { return nil }
    // Found column by column, token by token, phrase by phrase: FTS5's instance order.

    var seen = [Bool](repeating: false, count: phrases.count)
    func score(column: Int, from start: Int, size: Int) -> (score: Int, adjusted: Int) {
      var score = 0
      var first = -1
      var last = 0
      for instance in instances
      where instance.column == column && instance.offset >= start
        && instance.offset < start + tokens
      {
        score += seen[instance.phrase] ? 1 : 1000
        seen[instance.phrase] = true
        if first < 0 { first = instance.offset }
        last = instance.offset + 1
      }
      var adjusted = first - (tokens - (last - first)) / 2
      if adjusted + tokens > size { adjusted = size - tokens }
      if adjusted < 0 { adjusted = 0 }
      return (score, adjusted)
    }

    var bestColumn = 0
    var bestStart = 0
    var bestScore = 0
    var bestSize = 0
    for (index, column) in columns.enumerated() {
      guard let column else { continue }
      let size = column.starts.count
      for instance in instances where instance.column == index {
        seen.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
        let (found, adjusted) = score(column: index, from: instance.offset, size: size)
        if found > bestScore {
          (bestScore, bestColumn, bestStart, bestSize) = (found, index, adjusted, size)
        }
        if !column.sentences.isEmpty && size > tokens {
          var sentence = 0
          while sentence < column.sentences.count - 1,
            column.sentences[sentence + 1] <= instance.offset
          {
            sentence += 1
          }
          let first = column.sentences[sentence]
          if first < instance.offset {
            seen.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
            let bonus =
              score(column: index, from: first, size: size).score + (first == 0 ? 120 : 100)
            if bonus > bestScore {
              (bestScore, bestColumn, bestStart, bestSize) = (bonus, index, first, size)
            }
          }
        }
      }
    }
    guard let column = columns[bestColumn] else { return "" }
    if bestSize == 0 { bestSize = column.starts.count }
    return highlight(
      column, instances: instances.filter { $0.column == bestColumn }.map(\.offset),
      range: bestStart...(bestStart + tokens - 1), size: bestSize,
      open: Array(open.utf8), close: Array(close.utf8), ellipsis: Array(ellipsis.utf8))
  }

  /// `fts5HighlightCb` over the chosen window, with `fts5CInstIterNext`'s coalescing (a token
  /// two phrases match is one highlight).
  private static func highlight(
    _ column: Column, instances offsets: [Int], range: ClosedRange<Int>, size: Int,
    open: [UInt8], close: [UInt8], ellipsis: [UInt8]
  ) -> String {
    var next = 0
    func nextInstance() -> (start: Int, end: Int) {
      var start = -1
      var end = -1
      while next < offsets.count {
        let offset = offsets[next]
        if start < 0 {
          (start, end) = (offset, offset)
        } else if offset <= end {
          end = max(end, offset)
        } else {
          break
        }
        next += 1
      }
      return (start, end)
    }
    var out: [UInt8] = []
    var instance = nextInstance()
    if range.lowerBound > 0 { out += ellipsis }
    while instance.start >= 0 && instance.start < range.lowerBound { instance = nextInstance() }
    var cursor = 0
    let text = column.text
    for position in column.starts.indices {
      let (start, end) = (column.starts[position], column.ends[position])
      if position < range.lowerBound || position > range.upperBound { continue }
      if range.lowerBound > 0 && position == range.lowerBound { cursor = start }
      if position == instance.start {
        out += text[cursor..<start]
        out += open
        cursor = start
      }
      if position == instance.end {
        if instance.start < range.lowerBound { out += open }
        out += text[cursor..<end]
        out += close
        cursor = end
        instance = nextInstance()
      }
      if position == range.upperBound {
        out += text[cursor..<end]
        cursor = end
        if position >= instance.start && position < instance.end { out += close }
      }
    }
    if range.upperBound >= size - 1 {
      out += text[cursor...]
    } else {
      out += ellipsis
    }
    return String(decoding: DromTokenizer.stripMarks(out), as: UTF8.self)
  }
}

/// Which columns of an entry hold a query's terms, from the term index (`Posting.columns`):
/// a snippet tokenizes only those. Nil when the term index cannot say (it disagrees with FTS5,
/// or a query's prefixes cover so many terms that tokenizing is cheaper than looking).
struct SnippetColumns {
  private let table: SearchTable
  /// Per phrase, its group and its terms' ids.
  private let phrases: [(group: Int, terms: [Int32])]
  private let groups: Int

  init?(_ phrases: [QueryForms.Phrase], groups: Int, _ table: SearchTable) {
    // Without words every snippet is the title's start: no instance, no column to choose.
    guard table.termIndex.unusable == nil, groups > 0, groups <= 64 else { return nil }
    let index = table.termIndex
    var resolved: [(group: Int, terms: [Int32])] = []
    var terms = 0
    for phrase in phrases {
      let ids = phrase.term.withUnsafeBufferPointer { term -> [Int32] in
        phrase.isPrefix ? Array(index.ids(withPrefix: term)) : index.id(of: term).map { [$0] } ?? []
      }
      terms += ids.count
      guard terms <= 64 else { return nil }
      resolved.append((phrase.group, ids))
    }
    self.table = table
    self.phrases = resolved
    self.groups = groups
  }

  /// The columns (bit 0: title, 1: summary, 2: content) of the entry that hold a term; nil when
  /// some word has none of its terms in any (FTS5 would not make a snippet of it).
  func columns(ofEntry id: Int64) -> UInt32? {
    guard let row = table.row(of: id) else { return 0b111 }
    var columns: UInt32 = 0
    var found: UInt64 = 0
    for phrase in phrases {
      for term in phrase.terms {
        let holding = table.termIndex.columns(of: row, holding: term)
        if holding != 0 {
          columns |= holding
          found |= 1 << UInt64(phrase.group)
        }
      }
    }
    let all: UInt64 = groups == 64 ? .max : (1 << UInt64(groups)) - 1
    return found == all ? columns : nil
  }
}

extension ReusePool where Value == [String: TermCache] {
  /// Term caches for making snippets, kept between searches: a hit's words are mostly words
  /// other hits had, and a cached word skips Snowball. At most 4 are kept (each holds up to
  /// 30 000 words a language).
  static let snippetTerms = ReusePool(limit: 4) { [:] }
}

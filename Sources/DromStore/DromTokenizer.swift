import DromText
import Foundation
import GRDB

/// Drom's FTS5 tokenizer (`tokenize='drom'`): words stemmed in their entry's language with
/// Snowball, then folded (case, diacritics, Cyrillic to Latin), so that one index serves every
/// partner language.
///
/// FTS5 hands a tokenizer one column value and nothing else, so each indexed value starts with
/// its language between two U+0001 marks (see the `entrySearchText` view). Queries carry no
/// mark: their words arrive already analysed (`Analyzer.queryTerms`) and are only folded.
final class DromTokenizer: FTS5CustomTokenizer {
  static let name = "drom"
  static let mark: UInt8 = 0x01
  /// SQLite's SQLITE_OK.
  static let ok: CInt = 0

  /// `DROM_STEMMING=off` indexes words folded but unstemmed: the benchmark's "without"
  /// figure. Queries still find such entries through the words' folded forms.
  static let stemming = ProcessInfo.processInfo.environment["DROM_STEMMING"] != "off"

  /// Terms already computed, per language then word: entries repeat their words, and a cached
  /// term skips lowercasing, Snowball and folding. One tokenizer serves one connection, which
  /// one thread uses at a time.
  private var terms: [String: TermCache] = [:]

  init(db: Database, arguments: [String]) throws {}

  func tokenize(
    context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization,
    pText: UnsafePointer<CChar>?, nText: CInt, tokenCallback: @escaping FTS5TokenCallback
  ) -> CInt {
    guard let pText, nText > 0 else { return Self.ok }
    let bytes = UnsafeRawBufferPointer(start: pText, count: Int(nText))
      .bindMemory(to: UInt8.self)
    var language: String?
    var offset = 0
    if bytes[0] == Self.mark, let close = bytes[1...].firstIndex(of: Self.mark) {
      language = String(decoding: UnsafeBufferPointer(rebasing: bytes[1..<close]), as: UTF8.self)
      offset = close + 1
    }
    var status = Self.ok
    Self.forEachTerm(
      in: UnsafeBufferPointer(rebasing: bytes[offset...]),
      language: tokenization.contains(.query) ? nil : language, caches: &terms
    ) { term, start, end in
      guard status == Self.ok else { return }
      status = term.withMemoryRebound(to: CChar.self) { pointer in
        tokenCallback(
          context, 0, pointer.baseAddress, CInt(pointer.count), CInt(start + offset),
          CInt(end + offset))
      }
    }
    return status
  }

  /// The terms of one column's text written in `language` (nil: a query's, folded only), in
  /// order, with their byte ranges: what FTS5 indexes, and what `TermIndex` indexes in memory,
  /// which must agree with it term for term.
  static func forEachTerm(
    in text: UnsafeBufferPointer<UInt8>, language: String?, caches: inout [String: TermCache],
    _ body: (UnsafeBufferPointer<UInt8>, Int, Int) -> Void
  ) {
    let stemmer = Self.stemming ? language.flatMap(Stemmer.forLanguage) : nil
    let cacheKey = stemmer == nil ? "" : language ?? ""
    // Taken out and put back, so that adding to it does not copy the dictionary.
    var cache = caches.removeValue(forKey: cacheKey) ?? TermCache()
    Analyzer.forEachWord(in: text) { word, start, end in
      cache.withTerm(word, stemmer: stemmer) { term in body(term, start, end) }
    }
    caches[cacheKey] = cache
  }

  /// The same over UTF-8 (the mark is one byte, never inside a longer character).
  static func stripMarks(_ bytes: [UInt8]) -> [UInt8] {
    guard bytes.contains(mark) else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var inside = false
    for byte in bytes {
      if byte == mark {
        inside.toggle()
      } else if !inside {
        out.append(byte)
      }
    }
    return out
  }

  /// Removes the language marks from text FTS5 hands back (snippets).
  static func stripMarks(_ text: String) -> String {
    guard text.utf8.contains(mark) else { return text }
    var out = ""
    var inside = false
    for scalar in text.unicodeScalars {
      if scalar.value == UInt32(mark) {
        inside.toggle()
      } else if !inside {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

/// Words already analysed, so that a repeated word costs a lookup and no allocation: an
/// open-addressed table keyed by a hash of the word's bytes (checked against the word itself),
/// words and terms kept in one byte arena. No reference counting and no second hash per
/// lookup, which a dictionary of arrays cost (a quarter of tokenizing a hit for its snippet).
struct TermCache {
  private struct Slot {
    var hash: UInt64 = 0
    /// Where the word starts in the arena (its term follows it); -1: an empty slot.
    var start: Int32 = -1
    var wordLength: Int32 = 0
    var termLength: Int32 = 0
  }

  /// Per language: the most frequent words of a language fill it, and it stays a few MB even
  /// with every partner language in the index.
  private static let limit = 30_000
  private static let arenaLimit = 4 << 20

  /// A power of two, at least twice `count` (probes stay short): it grows from a few slots, as
  /// a query's cache holds a few words.
  private var slots: [Slot] = []
  private var arena: [UInt8] = []
  private var count = 0

  mutating func withTerm<R>(
    _ word: UnsafeBufferPointer<UInt8>, stemmer: Stemmer?, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    var index = slots.isEmpty ? 0 : home(hash)
    while !slots.isEmpty {
      let slot = slots[index]
      if slot.start < 0 { break }
      if slot.hash == hash, Int(slot.wordLength) == word.count {
        let found: R? = arena.withUnsafeBufferPointer { arena in
          let start = Int(slot.start)
          guard
            word.isEmpty || memcmp(arena.baseAddress! + start, word.baseAddress!, word.count) == 0
          else { return nil }
          let termStart = start + word.count
          return body(
            UnsafeBufferPointer(rebasing: arena[termStart..<termStart + Int(slot.termLength)]))
        }
        if let found { return found }
      }
      index = (index + 1) & (slots.count - 1)
    }
    return Analyzer.withTerm(word, stemmer: stemmer) { term in
      if count >= Self.limit || arena.count + word.count + term.count > Self.arenaLimit {
        for slot in slots.indices { slots[slot].start = -1 }
        arena.removeAll(keepingCapacity: true)
        count = 0
      }
      if (count + 1) * 2 > slots.count { grow() }
      index = home(hash)
      while slots[index].start >= 0 { index = (index + 1) & (slots.count - 1) }
      slots[index] = Slot(
        hash: hash, start: Int32(arena.count), wordLength: Int32(word.count),
        termLength: Int32(term.count))
      arena.append(contentsOf: word)
      arena.append(contentsOf: term)
      count += 1
      return body(term)
    }
  }

  private func home(_ hash: UInt64) -> Int {
    Int(truncatingIfNeeded: hash ^ (hash >> 29)) & (slots.count - 1)
  }

  /// Twice the slots, the words where the new size puts them.
  private mutating func grow() {
    let old = slots
    slots = [Slot](repeating: Slot(), count: max(16, old.count * 2))
    for slot in old where slot.start >= 0 {
      var index = home(slot.hash)
      while slots[index].start >= 0 { index = (index + 1) & (slots.count - 1) }
      slots[index] = slot
    }
  }
}

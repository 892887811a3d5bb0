import DromVocabulary
import Foundation
import GRDB

/// Recent answers, kept until the index changes: search results here, rendered pages in the
/// server.
///
/// The index changes only when a harvest commits, and directories see the same searches again
/// and again (a theme page, a city, "Roma"), so an answer computed once serves every repeat until
/// the next harvest. The generation is the newest harvest record, so any harvest, even one that
/// changed nothing, starts afresh. When full, the least recently used answers go first, so a
/// stream of one-off searches does not push out the popular ones.
public final class GenerationCache<Value: Sendable>: @unchecked Sendable {  // state under `lock`
  private let lock = NSLock()
  private let capacity: Int
  private var generation: Int64 = -1
  private var entries: [String: (value: Value, used: UInt64)] = [:]
  private var clock: UInt64 = 0

  public init(capacity: Int = 512) {
    self.capacity = max(capacity, 8)
  }

  public func lookup(_ key: String, generation current: Int64) -> Value? {
    lock.withLock {
      if current != generation {
        generation = current
        entries.removeAll(keepingCapacity: true)
        return nil
      }
      guard let entry = entries[key] else { return nil }
      clock += 1
      entries[key] = (entry.value, clock)
      return entry.value
    }
  }

  public func store(_ value: Value, for key: String, generation current: Int64) {
    lock.withLock {
      guard current == generation else { return }
      clock += 1
      entries[key] = (value, clock)
      guard entries.count > capacity else { return }
      // Evict the least recently used eighth at once: one pass for many insertions.
      let cutoff = entries.values.map(\.used).sorted()[capacity / 8]
      entries = entries.filter { $0.value.used > cutoff }
    }
  }
}

public typealias SearchCache = GenerationCache<SearchResults>

extension DromDatabase {
  /// `search`, answered from the cache when the same query ran since the last harvest. One
  /// read does both: a search is one trip to a reader, not two.
  public func search(
    _ query: SearchQuery, vocabulary: Vocabulary, cache: SearchCache,
    highlight: (open: String, close: String) = ("[", "]")
  ) async throws -> SearchResults {
    let key = Self.cacheKey(query, highlight: highlight)
    do {
      return try await pool.read { db in
        let generation = try Self.generation(db)
        if let cached = cache.lookup(key, generation: generation) { return cached }
        let results = try self.search(query, vocabulary: vocabulary, highlight: highlight, db: db)
        cache.store(results, for: key, generation: generation)
        return results
      }
    } catch { throw Self.searchError(error) }
  }

  /// The index's state: the newest harvest record. Every change to entries commits with one.
  public func generation() async throws -> Int64 {
    try await pool.read(Self.generation)
  }

  static func generation(_ db: Database) throws -> Int64 {
    try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM harvest") ?? 0
  }

  /// Everything that shapes a result. Filters are a dictionary, whose printed order varies:
  /// the key lists them sorted.
  static func cacheKey(_ query: SearchQuery, highlight: (open: String, close: String)) -> String {
    let filters = query.filters.map { "\($0.key.rawValue)=\($0.value.joined(separator: ","))" }
      .sorted()
    return [
      query.text, filters.joined(separator: "&"), "\(query.limit)", "\(query.offset)",
      "\(query.rawSyntax)", query.readerLanguage ?? "", query.sort.rawValue,
      query.updatedSince.map { "\($0.timeIntervalSince1970)" } ?? "", highlight.open,
      highlight.close,
    ].joined(separator: "\u{1}")
  }
}

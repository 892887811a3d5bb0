import DromVocabulary
import Foundation
import GRDB

/// Recent search results, kept until the index changes.
///
/// The index changes only when a harvest commits, and directories see the same searches again
/// and again (a theme page, a city, "Roma"), so a result computed once serves every repeat until
/// the next harvest. The key is the whole query; the generation is the newest harvest record,
/// so any harvest, even one that changed nothing, starts afresh.
public final class SearchCache: @unchecked Sendable {  // state only under `lock`
  private let lock = NSLock()
  private let capacity: Int
  private var generation: Int64 = -1
  private var results: [String: SearchResults] = [:]
  private var order: [String] = []

  public init(capacity: Int = 512) {
    self.capacity = capacity
  }

  func lookup(_ key: String, generation current: Int64) -> SearchResults? {
    lock.withLock {
      if current != generation {
        generation = current
        results.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        return nil
      }
      return results[key]
    }
  }

  func store(_ value: SearchResults, for key: String, generation current: Int64) {
    lock.withLock {
      guard current == generation, results[key] == nil else { return }
      results[key] = value
      order.append(key)
      if order.count > capacity {
        results[order.removeFirst()] = nil
      }
    }
  }
}

extension DromDatabase {
  /// `search`, answered from the cache when the same query ran since the last harvest.
  public func search(
    _ query: SearchQuery, vocabulary: Vocabulary, cache: SearchCache,
    highlight: (open: String, close: String) = ("[", "]")
  ) throws -> SearchResults {
    let generation = try pool.read {
      try Int64.fetchOne($0, sql: "SELECT COALESCE(MAX(id), 0) FROM harvest") ?? 0
    }
    // Filters are a dictionary, whose printed order varies: the key lists them sorted.
    let filters = query.filters.map { "\($0.key.rawValue)=\($0.value.joined(separator: ","))" }
      .sorted()
    let key = [
      query.text, filters.joined(separator: "&"), "\(query.limit)", "\(query.offset)",
      "\(query.rawSyntax)", query.readerLanguage ?? "", query.sort.rawValue,
      query.updatedSince.map { "\($0.timeIntervalSince1970)" } ?? "", highlight.open,
      highlight.close,
    ].joined(separator: "\u{1}")
    if let cached = cache.lookup(key, generation: generation) { return cached }
    let results = try search(query, vocabulary: vocabulary, highlight: highlight)
    cache.store(results, for: key, generation: generation)
    return results
  }
}

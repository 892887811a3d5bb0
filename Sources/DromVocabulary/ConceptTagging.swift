import DromModel
import Foundation

extension Vocabulary {
  /// What tagging an entry found: the categories that name no concept, each with the concepts
  /// closest to it, for the source's report.
  public struct Unmapped: Sendable, Hashable {
    public var category: String
    public var closest: [String]
  }

  /// Sets the entry's concepts (with their broader concepts) and plain tags from its
  /// categories and audiences. A harvest passes one cache for the whole run: feeds repeat the
  /// same few categories thousands of times.
  public func tag(_ entry: inout Entry, cache: TaggingCache = TaggingCache()) -> [Unmapped] {
    var direct: [String] = []
    var tags: [String] = []
    var unmapped: [Unmapped] = []
    let language = entry.language?.value
    func add(_ uris: some Sequence<String>) {
      for uri in uris where !direct.contains(uri) { direct.append(uri) }
    }
    for category in entry.categories {
      if let scheme = category.scheme, let concept = concept(scheme: scheme, term: category.term) {
        add([concept.uri])
        continue
      }
      if let concept = concepts[category.term] {
        add([concept.uri])
        continue
      }
      var found = cache.concepts(category.term, language) {
        self.concepts(forLabel: $0, language: $1)
      }
      if found.isEmpty, let label = category.label {
        found = cache.concepts(label, language) { self.concepts(forLabel: $0, language: $1) }
      }
      if found.isEmpty {
        let text = category.label ?? category.term
        if !tags.contains(text) { tags.append(text) }
        unmapped.append(
          Unmapped(category: text, closest: cache.closest(text) { closestConcepts(to: $0) }))
      } else {
        add(found)
      }
    }
    for audience in entry.audiences {
      if let concept = concepts[audience] {
        add([concept.uri])
      } else {
        add(cache.concepts(audience, language) { self.concepts(forLabel: $0, language: $1) })
      }
    }
    var closure: [String] = []
    var queue = direct
    while !queue.isEmpty {
      let uri = queue.removeFirst()
      guard !closure.contains(uri) else { continue }
      closure.append(uri)
      queue += concepts[uri]?.broader ?? []
    }
    entry.concepts = closure
    entry.tags = tags
    return unmapped
  }
}

/// Remembers what labels mapped to, across the entries and sources of one harvest.
public final class TaggingCache: @unchecked Sendable {  // state only under `lock`
  private let lock = NSLock()
  private var mapped: [String: [String]] = [:]
  private var suggestions: [String: [String]] = [:]

  public init() {}

  func concepts(_ text: String, _ language: String?, compute: (String, String?) -> Set<String>)
    -> [String]
  {
    let key = (language ?? "") + "\u{1}" + text
    if let known = lock.withLock({ mapped[key] }) { return known }
    let found = compute(text, language).sorted()
    lock.withLock { mapped[key] = found }
    return found
  }

  func closest(_ text: String, compute: (String) -> [String]) -> [String] {
    if let known = lock.withLock({ suggestions[text] }) { return known }
    let found = compute(text)
    lock.withLock { suggestions[text] = found }
    return found
  }
}

import DromModel

extension Vocabulary {
  /// What tagging an entry found: the categories that name no concept, each with the concepts
  /// closest to it, for the source's report.
  public struct Unmapped: Sendable, Hashable {
    public var category: String
    public var closest: [String]
  }

  /// Sets the entry's concepts (with their broader concepts) and plain tags from its
  /// categories and audiences.
  public func tag(_ entry: inout Entry) -> [Unmapped] {
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
      var found = self.concepts(forLabel: category.term, language: language)
      if found.isEmpty, let label = category.label {
        found = self.concepts(forLabel: label, language: language)
      }
      if found.isEmpty {
        let text = category.label ?? category.term
        if !tags.contains(text) { tags.append(text) }
        unmapped.append(Unmapped(category: text, closest: closestConcepts(to: text)))
      } else {
        add(found.sorted())
      }
    }
    for audience in entry.audiences {
      if let concept = concepts[audience] {
        add([concept.uri])
      } else {
        add(self.concepts(forLabel: audience, language: language).sorted())
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

import DromText

/// Finds concepts by the words people use: every label, in every language, analysed the way
/// search analyses text (case, diacritics and script folded; stemmed in the label's language),
/// and also folded without stemming, so that a word in another language still meets it.
struct ConceptMatcher: Sendable {
  /// Analysed label → concept URIs.
  private var index: [String: Set<String>] = [:]
  /// Folded labels, for the closest-concept suggestions.
  private var folded: [(label: String, uri: String)] = []
  /// Longest label, in words.
  private(set) var longestLabel = 1

  init(concepts: [Concept]) {
    for concept in concepts {
      var labels: [(String, String)] = concept.prefLabels.map { ($0.key, $0.value) }
      for (language, values) in concept.altLabels { labels += values.map { (language, $0) } }
      labels.append(("", concept.term.replacingOccurrences(of: "-", with: " ")))
      for (language, label) in labels {
        for key in Self.keys(label, languages: [language]) {
          index[key, default: []].insert(concept.uri)
        }
        let plain = Self.key(label, language: nil)
        folded.append((plain, concept.uri))
        longestLabel = max(longestLabel, plain.split(separator: " ").count)
      }
    }
  }

  static func key(_ text: String, language: String?) -> String {
    Analyzer.tokens(text, language: language).map(\.term).joined(separator: " ")
  }

  /// The analysed forms of a text: stemmed in each language, and folded only.
  static func keys(_ text: String, languages: [String]) -> Set<String> {
    var keys: Set<String> = [key(text, language: nil)]
    for language in languages where !language.isEmpty { keys.insert(key(text, language: language)) }
    keys.remove("")
    return keys
  }

  func concepts(for text: String, languages: [String]) -> Set<String> {
    var found: Set<String> = []
    for key in Self.keys(text, languages: languages) { found.formUnion(index[key] ?? []) }
    return found
  }

  /// Up to `limit` concepts whose labels are closest to the text (edit distance on folded
  /// forms), for telling a partner what an unmapped category might have meant.
  func closest(to text: String, limit: Int) -> [String] {
    let target = Self.key(text, language: nil)
    guard !target.isEmpty else { return [] }
    var best: [String: Int] = [:]
    for (label, uri) in folded {
      let distance = Self.editDistance(target, label)
      if distance < (best[uri] ?? .max) { best[uri] = distance }
    }
    let threshold = max(2, target.count / 3)
    return best.filter { $0.value <= threshold }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
      .prefix(limit).map(\.key)
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

extension Vocabulary {
  /// Concepts a free-text category or keyword names, read in the entry's language.
  public func concepts(forLabel text: String, language: String?) -> Set<String> {
    matcher.concepts(for: text, languages: [language].compactMap { $0 })
  }

  public func closestConcepts(to text: String, limit: Int = 3) -> [String] {
    matcher.closest(to: text, limit: limit)
  }

  /// Splits a query into the concepts its words name, longest labels first, and the words left
  /// over: "empleo jóvenes gitanos" → [employment], [roma-youth], no words left.
  public func conceptsInQuery(_ words: [String], languages: [String]) -> (
    groups: [Set<String>], rest: [String]
  ) {
    var groups: [Set<String>] = []
    var rest: [String] = []
    var index = 0
    while index < words.count {
      var matched = false
      for length in stride(from: min(matcher.longestLabel, words.count - index), through: 1, by: -1)
      {
        let phrase = words[index..<(index + length)].joined(separator: " ")
        let found = matcher.concepts(for: phrase, languages: languages)
        if !found.isEmpty {
          groups.append(found)
          index += length
          matched = true
          break
        }
      }
      if !matched {
        rest.append(words[index])
        index += 1
      }
    }
    return (groups, rest)
  }
}

/// Which language to show when the reader's is missing: an explicit chain, never a random one.
///
/// The chain for a tag is the tag itself, then its explicit neighbours (Serbian in the other
/// script), then its primary language, then English. When none of those is there, the label in
/// the alphabetically first language is taken, so the choice is at least always the same.
public enum LanguageFallback {
  static let neighbours: [String: [String]] = [
    "sr-Cyrl": ["sr-Latn"], "sr-Latn": ["sr-Cyrl"], "sr": ["sr-Latn", "sr-Cyrl"],
    "nb": ["no", "nn", "da"], "nn": ["no", "nb"], "no": ["nb", "nn", "da"],
    "rom": ["en"],
  ]

  public static func chain(for tag: String) -> [String] {
    var chain = [tag]
    chain += neighbours[tag] ?? []
    let primary = String(tag.split(separator: "-").first ?? Substring(tag))
    chain.append(primary)
    chain += neighbours[primary] ?? []
    chain.append("en")
    var seen: Set<String> = []
    return chain.filter { seen.insert($0).inserted }
  }

  public static func pick(from labels: [String: String], for tag: String) -> String? {
    for language in chain(for: tag) {
      if let label = labels[language] { return label }
    }
    return labels.keys.sorted().first.flatMap { labels[$0] }
  }
}

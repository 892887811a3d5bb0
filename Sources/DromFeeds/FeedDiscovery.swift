import Foundation

/// Feed autodiscovery (the convention every browser and feed reader follows): a web page names
/// its feeds with `<link rel="alternate" type="application/rss+xml" href="…">` in its head. When
/// a partner registers its home page instead of its feed, Drom reads those links and says which
/// address to register.
enum FeedDiscovery {
  /// How much of a page is looked at: the head, where the links are, comes first.
  static let window = 64 << 10

  static let feedTypes = [
    "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml",
  ]

  /// True when the bytes open like an HTML page (which an XML parser may refuse before it
  /// reaches the root element: `<!doctype html>` in lower case, say).
  static func looksLikeHTML(_ page: [UInt8]) -> Bool {
    let start = String(decoding: page.prefix(2048), as: UTF8.self).lowercased()
    return start.contains("<!doctype html") || start.contains("<html")
  }

  /// The feed addresses a page names, resolved against its own address, in its order.
  static func feeds(in page: [UInt8], base: String?) -> [String] {
    let text = String(decoding: page.prefix(window), as: UTF8.self)
    guard let tag = try? Regex(#"(?i)<link\b[^>]*>"#),
      let attribute = try? Regex(#"(?i)\b(rel|type|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#)
    else { return [] }
    var feeds: [String] = []
    for match in text.matches(of: tag) {
      var values: [String: String] = [:]
      for pair in match.output[0].substring!.matches(of: attribute) {
        let name = pair.output[1].substring!.lowercased()
        let value = pair.output[2].substring ?? pair.output[3].substring ?? pair.output[4].substring
        values[name] = value.map { HTMLEntities.decodeBasic(String($0)) }
      }
      guard let rel = values["rel"]?.lowercased().split(separator: " "), rel.contains("alternate"),
        let type = values["type"]?.lowercased(), feedTypes.contains(type),
        let href = values["href"], !href.isEmpty
      else { continue }
      let resolved = URLResolver.resolve(href, against: base)
      if URLResolver.isWebAddress(resolved) || base == nil, !feeds.contains(resolved) {
        feeds.append(resolved)
      }
    }
    return feeds
  }
}

/// The five entities an attribute in a page's head may use.
enum HTMLEntities {
  static func decodeBasic(_ text: String) -> String {
    guard text.contains("&") else { return text }
    return text.replacingOccurrences(of: "&quot;", with: "\"")
      .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
      .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
  }
}

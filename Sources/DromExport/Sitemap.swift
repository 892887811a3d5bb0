import DromSite

/// `sitemap.xml` (sitemaps.org 0.9): every page of every language, each with its alternates in
/// the other languages (`xhtml:link rel="alternate" hreflang`), as search engines want them.
enum Sitemap {
  /// URLs in one file: the protocol allows 50,000 and 50 MB, and every URL here carries an
  /// alternate per language (about 1.6 KB with 14 languages).
  static let urlsPerFile = 20_000

  /// The files `files` makes for this many addresses.
  static func names(_ count: Int, languages: Int) -> [String] {
    let perFile = max(1, urlsPerFile / max(1, languages))
    guard count > perFile else { return ["sitemap.xml"] }
    return ["sitemap.xml"] + (1...(count + perFile - 1) / perFile).map { "sitemap-\($0).xml" }
  }

  /// One `sitemap.xml`, or, for a larger directory, an index of that name and the files it
  /// lists (`sitemap-1.xml`, …).
  static func files(_ addresses: [String], languages: [String], base: String) -> [(String, String)]
  {
    let perFile = max(1, urlsPerFile / max(1, languages.count))
    guard addresses.count > perFile else {
      return [("sitemap.xml", xml(addresses, languages: languages, base: base))]
    }
    var files: [(String, String)] = []
    var index = """
      <?xml version="1.0" encoding="UTF-8"?>
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">

      """
    for (number, start) in stride(from: 0, to: addresses.count, by: perFile).enumerated() {
      let name = "sitemap-\(number + 1).xml"
      files.append(
        (
          name,
          xml(
            Array(addresses[start..<min(start + perFile, addresses.count)]), languages: languages,
            base: base)
        ))
      index += "  <sitemap><loc>\(XMLText.escape(base + "/" + name))</loc></sitemap>\n"
    }
    return [("sitemap.xml", index + "</sitemapindex>\n")] + files
  }

  static func xml(_ addresses: [String], languages: [String], base: String) -> String {
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">

      """
    for address in addresses {
      let alternates = languages.map {
        "    <xhtml:link rel=\"alternate\" hreflang=\"\($0)\" href=\"\(XMLText.escape(base + "/" + $0 + address))\"/>"
      }.joined(separator: "\n")
      for language in languages {
        xml += "  <url>\n    <loc>\(XMLText.escape(base + "/" + language + address))</loc>\n"
        xml += alternates + "\n  </url>\n"
      }
    }
    return xml + "</urlset>\n"
  }
}

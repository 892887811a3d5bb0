/// `sitemap.xml` (sitemaps.org 0.9): every page of every language, each with its alternates in
/// the other languages (`xhtml:link rel="alternate" hreflang`), as search engines want them.
enum Sitemap {
  static func xml(_ addresses: [String], languages: [String], base: String) -> String {
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">

      """
    for address in addresses {
      let alternates = languages.map {
        "    <xhtml:link rel=\"alternate\" hreflang=\"\($0)\" href=\"\(HTMLText.escape(base + "/" + $0 + address))\"/>"
      }.joined(separator: "\n")
      for language in languages {
        xml += "  <url>\n    <loc>\(HTMLText.escape(base + "/" + language + address))</loc>\n"
        xml += alternates + "\n  </url>\n"
      }
    }
    return xml + "</urlset>\n"
  }
}

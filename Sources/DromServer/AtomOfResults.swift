import DromSite
import DromStore
import Foundation

/// A search as an Atom feed, so a planner can subscribe to "employment Roma in Belgium".
enum AtomOfResults {
  static func render(
    _ results: SearchResults, parameters: SearchParameters, language: String, title: String,
    base: String
  ) -> String {
    let formatter = ISO8601DateFormatter()
    let newest = results.hits.compactMap(\.updated).max() ?? Date(timeIntervalSince1970: 0)
    let query = parameters.queryString { $0.page = 1 }
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(Escaping.xml(language))">
      <title>\(Escaping.xml(title + (parameters.text.isEmpty ? "" : ": " + parameters.text)))</title>
      <id>\(Escaping.xml(base))/\(language)/search.atom?\(Escaping.xml(query))</id>
      <updated>\(formatter.string(from: newest))</updated>
      <link rel="self" href="\(Escaping.xml(base))/\(language)/search.atom?\(Escaping.xml(query))"/>
      <link rel="alternate" type="text/html" href="\(Escaping.xml(base))/\(language)/search?\(Escaping.xml(query))"/>

      """
    for hit in results.hits {
      let page = "\(base)/\(language)/entry/\(hit.slug)"
      xml += """
        <entry\(hit.language.map { " xml:lang=\"\(Escaping.xml($0))\"" } ?? "")>
          <id>\(Escaping.xml(page))</id>
          <title>\(Escaping.xml(hit.title))</title>
          <updated>\(formatter.string(from: hit.updated ?? newest))</updated>
          <link href="\(Escaping.xml(page))"/>
          <author><name>\(Escaping.xml(hit.sourceTitle))</name></author>
          <category term="\(Escaping.xml(hit.kind))" scheme="https://w3id.org/drom/vocab/kinds"/>
          <summary>\(Escaping.xml(hit.snippet))</summary>
        </entry>

        """
    }
    return xml + "</feed>\n"
  }
}

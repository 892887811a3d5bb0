import DromModel
import DromSite
import DromStore
import Foundation

/// The whole directory as data, beside the pages: `directory.csv` and `directory.json` (every
/// entry: what it is, where, about what, who publishes it, its page) and `registry.opml` (the
/// partners whose feeds are on the web). Contact cards stay on the entry pages: a bulk file of
/// people's addresses is what a scraper wants, and nobody else needs it.
struct Downloads {
  private var rows: [Row] = []

  init(rows: [Row] = []) { self.rows = rows }

  struct Row: Encodable {
    var id: String
    var page: String
    var kind: String
    var title: String
    var language: String?
    var summary: String?
    var countries: [String]
    var places: [String]
    var concepts: [String]
    var partner: String
    var updated: Date?
    var link: String?
  }

  mutating func add(_ stored: StoredEntry, page: String) {
    rows.append(Self.row(stored, page: page))
  }

  static func row(_ stored: StoredEntry, page: String) -> Row {
    let entry = stored.entry
    let countries = entry.places.compactMap(\.country)
    return
      Row(
        id: entry.id, page: page, kind: entry.kind.rawValue, title: entry.title,
        language: entry.language?.value, summary: entry.summary,
        countries: countries.isEmpty ? [stored.source.country].compactMap { $0 } : countries,
        places: entry.places.compactMap(\.name).isEmpty
          ? [stored.source.city].compactMap { $0 } : entry.places.compactMap(\.name),
        concepts: entry.concepts.sorted(), partner: stored.source.title,
        updated: entry.updated ?? stored.lastChanged, link: entry.canonicalLink)
  }

  func csv() -> String {
    let formatter = ISO8601DateFormatter()
    var csv = CSV.row([
      "id", "page", "kind", "title", "language", "countries", "places", "concepts", "partner",
      "updated", "link",
    ])
    for row in rows {
      csv += CSV.row([
        row.id, row.page, row.kind, row.title, row.language ?? "",
        row.countries.joined(separator: " "), row.places.joined(separator: "; "),
        row.concepts.joined(separator: " "), row.partner,
        row.updated.map { formatter.string(from: $0) } ?? "", row.link ?? "",
      ])
    }
    return csv
  }

  func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(["entries": rows])
  }

  /// The registry as OPML 2.0, grouped by country, in the form `drom harvest` reads. Sources
  /// read from local files are left out: their paths mean nothing elsewhere.
  static func opml(_ sources: [SourceState]) -> String {
    let published = sources.map(\.description).filter {
      $0.feedURL.hasPrefix("http://") || $0.feedURL.hasPrefix("https://")
    }
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <opml version="2.0" xmlns:drom="https://w3id.org/drom/ns#">
        <head><title>Drom: the partners' feeds</title></head>
        <body>

      """
    let byCountry = Dictionary(grouping: published) { $0.country ?? "" }
    for country in byCountry.keys.sorted() {
      xml += "    <outline text=\"\(XMLText.escape(country.isEmpty ? "—" : country))\">\n"
      for source in byCountry[country]!.sorted(by: { $0.title < $1.title }) {
        let attributes = [
          ("type", "rss"), ("text", source.title), ("xmlUrl", source.feedURL),
          ("htmlUrl", source.htmlURL), ("language", source.language?.value),
          ("drom:city", source.city), ("drom:country", source.country),
          ("drom:nuts", source.nuts), ("drom:lau", source.lau),
          ("drom:lau-year", source.lauYear.map(String.init)),
          ("drom:organisation", source.organisation),
        ].compactMap { name, value in value.map { (name, $0) } }
        xml +=
          "      <outline "
          + attributes.map { "\($0.0)=\"\(XMLText.escape($0.1))\"" }.joined(separator: " ")
          + "/>\n"
      }
      xml += "    </outline>\n"
    }
    return xml + "  </body>\n</opml>\n"
  }
}

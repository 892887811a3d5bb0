import DromModel
import Foundation

/// Writes entries as an Atom 1.0 feed in the Drom profile (docs/feed-profile.md), marked
/// complete: the same entries give the same bytes, entries in the order given.
public struct FeedWriter {
  public struct Head: Sendable {
    public var id: String
    public var title: String
    public var author: String?
    public var language: String
    public var link: String?
    public var updated: Date
  }

  static let schemes: [(field: String, scheme: String)] = [
    ("themes", "https://w3id.org/drom/vocab/themes"),
    ("domains", "https://w3id.org/drom/vocab/domains"),
    ("grounds", "https://w3id.org/drom/vocab/grounds"),
    ("event-types", "https://w3id.org/drom/vocab/event-types"),
    ("resource-types", "https://w3id.org/drom/vocab/resource-types"),
  ]

  public static func atom(_ head: Head, entries: [Entry]) -> String {
    self.head(head) + entries.map { "\n" + entry($0, feedLanguage: head.language) }.joined()
      + tail
  }

  /// The feed's opening and its own elements, before the entries.
  public static func head(_ head: Head) -> String {
    var out = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom"
            xmlns:dcterms="http://purl.org/dc/terms/"
            xmlns:fh="http://purl.org/syndication/history/1.0"
            xmlns:drom="https://w3id.org/drom/ns#"
            xml:lang="\(escape(head.language))">
        <id>\(escape(head.id))</id>
        <title>\(escape(head.title))</title>
        <updated>\(timestamp(head.updated))</updated>

      """
    if let link = head.link {
      out += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(escape(link))\"/>\n"
    }
    if let author = head.author { out += "  <author><name>\(escape(author))</name></author>\n" }
    out += "  <generator uri=\"https://w3id.org/drom\">drom import</generator>\n"
    out += "  <fh:complete/>\n"
    return out
  }

  public static let tail = "</feed>\n"

  static func entry(_ entry: Entry, feedLanguage: String) -> String {
    var lines: [String] = []
    func add(_ line: String) { lines.append("    " + line) }
    let language = entry.language?.value
    lines.append(
      language == nil || language == feedLanguage
        ? "  <entry>" : "  <entry xml:lang=\"\(escape(language!))\">")
    add("<id>\(escape(entry.id))</id>")
    add("<title>\(escape(entry.title))</title>")
    if let updated = entry.updated { add("<updated>\(timestamp(updated))</updated>") }
    if let published = entry.published { add("<published>\(timestamp(published))</published>") }
    for link in entry.links {
      add("<link rel=\"\(escape(link.rel))\" href=\"\(escape(link.href))\"/>")
    }
    if let summary = entry.summary { add("<summary>\(escape(summary))</summary>") }
    if let content = entry.content {
      add("<content type=\"html\">\(escape(content.html))</content>")
    }
    add("<dcterms:type>https://w3id.org/drom/vocab/kinds/\(entry.kind.rawValue)</dcterms:type>")
    for category in entry.categories {
      var attributes = "term=\"\(escape(category.term))\""
      if let scheme = category.scheme { attributes = "scheme=\"\(escape(scheme))\" " + attributes }
      if let label = category.label { attributes += " label=\"\(escape(label))\"" }
      add("<category \(attributes)/>")
    }
    for audience in entry.audiences {
      add("<dcterms:audience>\(escape(audience))</dcterms:audience>")
    }
    if let temporal = entry.temporal {
      let parts = [
        temporal.start.map { "start=\(day($0))" }, temporal.end.map { "end=\(day($0))" },
      ]
      .compactMap { $0 }
      add("<dcterms:temporal>\(parts.joined(separator: "; "))</dcterms:temporal>")
    }
    for place in entry.places {
      var attributes = ""
      if let country = place.country { attributes += " drom:country=\"\(escape(country))\"" }
      if let nuts = place.nuts { attributes += " drom:nuts=\"\(escape(nuts))\"" }
      if let lau = place.lau { attributes += " drom:lau=\"\(escape(lau))\"" }
      add("<dcterms:spatial\(attributes)>\(escape(place.name ?? ""))</dcterms:spatial>")
    }
    for identifier in entry.identifiers {
      add("<dcterms:identifier>\(escape(identifier))</dcterms:identifier>")
    }
    if let jurisdiction = entry.legal?.jurisdiction {
      add("<drom:jurisdiction>\(jurisdiction.rawValue)</drom:jurisdiction>")
    }
    if let license = entry.license { add("<dcterms:license>\(escape(license))</dcterms:license>") }
    if let source = entry.source { add("<dcterms:source>\(escape(source))</dcterms:source>") }
    if let part = entry.isPartOf { add("<dcterms:isPartOf>\(escape(part))</dcterms:isPartOf>") }
    if let original = entry.translationOf {
      add("<dcterms:isVersionOf>\(escape(original))</dcterms:isVersionOf>")
    }
    for outcome in entry.outcomes { add("<drom:outcome>\(escape(outcome))</drom:outcome>") }
    for evidence in entry.evidence { add("<drom:evidence>\(escape(evidence))</drom:evidence>") }
    for funding in entry.funding { add("<drom:funding>\(escape(funding))</drom:funding>") }
    for contact in entry.contacts { lines += card(contact).map { "    " + $0 } }
    lines.append("  </entry>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// An xCard (RFC 6351), with Drom's consent element for a person.
  static func card(_ contact: Contact) -> [String] {
    var lines = ["<vcard xmlns=\"urn:ietf:params:xml:ns:vcard-4.0\">"]
    func add(_ line: String) { lines.append("  " + line) }
    add("<kind><text>\(contact.kind.rawValue)</text></kind>")
    add("<fn><text>\(escape(contact.formattedName ?? contact.organisation ?? ""))</text></fn>")
    if let organisation = contact.organisation {
      add("<org><text>\(escape(organisation))</text></org>")
    }
    if let role = contact.role { add("<role><text>\(escape(role))</text></role>") }
    for email in contact.emails { add("<email><text>\(escape(email))</text></email>") }
    for phone in contact.phones {
      let uri = phone.hasPrefix("tel:") ? phone : "tel:" + phone.filter { !$0.isWhitespace }
      add("<tel><uri>\(escape(uri))</uri></tel>")
    }
    for url in contact.urls { add("<url><uri>\(escape(url))</uri></url>") }
    if let address = contact.address {
      add("<adr><street>\(escape(address))</street></adr>")
    }
    for language in contact.languages {
      add("<lang><language-tag>\(escape(language.value))</language-tag></lang>")
    }
    if let consent = contact.consent {
      add(
        "<drom:consent xmlns:drom=\"https://w3id.org/drom/ns#\" recorded=\"\(day(consent.recorded))\" expires=\"\(day(consent.expires))\"/>"
      )
    }
    lines.append("</vcard>")
    return lines
  }

  static func escape(_ text: String) -> String {
    // Most text needs nothing: & < > " control characters, and U+FFFE/U+FFFF (0xEF …) only.
    if !text.utf8.contains(where: {
      $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0xEF
    }) {
      return text
    }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      default:
        // XML 1.0 has no place for other control characters or non-characters.
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func timestamp(_ date: Date) -> String { CivilDate.timestamp(date) }

  static func day(_ date: Date) -> String { CivilDate.day(date) }
}

import DromFeeds
import DromModel
import Foundation
import Testing

/// One small document per diagnostic code that arises from a feed's content. Codes of the XML
/// layer and the limits are proven in HostileFeedTests and EncodingTests.
let diagnosticCases: [(code: String, document: String)] = [
  ("xml.undefined-entity", "<rss version=\"2.0\"><channel><title>&bogus;</title></channel></rss>"),
  ("feed.empty", ""),
  ("feed.unknown-format", "<html><body>not a feed</body></html>"),
  (
    "feed.discovered",
    "<!doctype html><html><head><meta charset=utf-8><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed/\"></head></html>"
  ),
  ("feed.no-title", "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>"),
  (
    "entry.no-title",
    atom(
      "<entry><id>urn:x</id><updated>2026-03-10T09:00:00Z</updated><summary>Roma stewards accompany job-seekers. More.</summary></entry>"
    )
  ),
  ("entry.empty", atom("<entry><id>urn:x</id><updated>2026-03-10T09:00:00Z</updated></entry>")),
  (
    "feed.atom-0.3",
    "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>t</title></feed>"
  ),
  ("feed.unexpected-namespace", "<feed><title>Foyer</title></feed>"),
  (
    "feed.charset-mismatch",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Göteborg</title></channel></rss>"
  ),
  ("feed.json-version", "{\"title\": \"Foyer\", \"items\": []}"),
  (
    "feed.json-no-items",
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Foyer\"}"
  ),
  ("json.malformed", "{\"version\": \"https://jsonfeed.org/version/1.1\",}"),
  (
    "json.wrong-type",
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": 5, \"items\": []}"
  ),
  (
    "entry.json-not-object",
    "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"t\", \"items\": [42]}"
  ),
  ("entry.duplicate-id", atom(entry(id: "urn:same") + entry(id: "urn:same", title: "Again"))),
  (
    "entry.no-id",
    atom("<entry><title>No id</title><updated>2026-03-10T09:00:00Z</updated></entry>")
  ),
  ("entry.no-date", atom("<entry><id>urn:x</id><title>t</title></entry>")),
  (
    "entry.bad-date",
    atom("<entry><id>urn:x</id><title>t</title><updated>next Tuesday</updated></entry>")
  ),
  (
    "entry.date-repaired",
    atom("<entry><id>urn:x</id><title>t</title><updated>2026-03-10 09:00</updated></entry>")
  ),
  (
    "entry.no-kind",
    atom("<entry><id>urn:x</id><title>t</title><updated>2026-03-10T09:00:00Z</updated></entry>")
  ),
  (
    "entry.unknown-kind",
    atom(
      entry(extra: "<dcterms:type>blogpost</dcterms:type>").replacingOccurrences(
        of: "<dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type>", with: ""))
  ),
  ("entry.no-language", atom(entry(), feedAttributes: "")),
  ("entry.bad-language", atom(entry(), feedAttributes: "xml:lang=\"english please\"")),
  ("entry.bad-link", atom(entry(extra: "<link href=\"javascript:alert(1)\"/>"))),
  (
    "entry.bad-country",
    atom(entry(extra: "<dcterms:spatial drom:country=\"XX\">Nowhere</dcterms:spatial>"))
  ),
  (
    "entry.lau-without-year",
    atom(
      entry(
        extra: "<dcterms:spatial drom:country=\"BE\" drom:lau=\"21004\">Bruxelles</dcterms:spatial>"
      ))
  ),
  ("entry.bad-temporal", atom(entry(extra: "<dcterms:temporal>start=soon</dcterms:temporal>"))),
  (
    "entry.html-removed",
    atom(
      entry(
        extra:
          "<content type=\"html\">&lt;p&gt;ok&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</content>"
      ))
  ),
  ("contact.no-consent", atom(entry(extra: vcard(consent: nil)))),
  (
    "contact.consent-expired",
    atom(entry(extra: vcard(consent: "recorded=\"2024-01-01\" expires=\"2025-01-01\"")))
  ),
  (
    "person.no-consent",
    atom(
      entry(extra: vcard(consent: nil)).replacingOccurrences(
        of: "kinds/practice", with: "kinds/person"))
  ),
  (
    "law.no-identifier",
    atom(
      entry(extra: "<drom:jurisdiction>eu</drom:jurisdiction>").replacingOccurrences(
        of: "kinds/practice", with: "kinds/law"))
  ),
  (
    "law.no-jurisdiction",
    atom(
      entry(
        extra: "<dcterms:identifier>http://data.europa.eu/eli/dir/2000/43/oj</dcterms:identifier>"
      ).replacingOccurrences(of: "kinds/practice", with: "kinds/law"))
  ),
  (
    "finding.no-city",
    atom(entry().replacingOccurrences(of: "kinds/practice", with: "kinds/finding"))
  ),
  ("event.no-date", atom(entry().replacingOccurrences(of: "kinds/practice", with: "kinds/event"))),
  ("tombstone.no-ref", atom("<at:deleted-entry when=\"2026-03-01T00:00:00Z\"/>")),
]

func vcard(consent: String?) -> String {
  """
  <vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0">
    <kind><text>individual</text></kind><fn><text>Ana Petrović</text></fn>
    <email><text>ana@example.org</text></email>
    \(consent.map { "<drom:consent \($0)/>" } ?? "")
  </vcard>
  """
}

@Suite("Every diagnostic code")
struct DiagnosticCodeTests {
  @Test(
    "never names a person: diagnostics are published on the partners' page, and a refused card is of someone who did not consent"
  )
  func noPersonalNames() {
    let person = entry(
      id: "urn:test:person", title: "Ana Petrović, Roma mediator", extra: vcard(consent: nil)
    ).replacingOccurrences(of: "kinds/practice", with: "kinds/person")
      .replacingOccurrences(of: "<updated>", with: "<published>not a date</published><updated>")
    let practice = entry(id: "urn:test:practice", extra: vcard(consent: nil))
    let expired = entry(
      id: "urn:test:expired",
      extra: vcard(consent: "recorded=\"2024-01-01\" expires=\"2025-01-01\""))
    let result = read(atom(person + practice + expired), file: "partner.xml")
    #expect(
      Set(result.codes).isSuperset(of: [
        "person.no-consent", "contact.no-consent", "contact.consent-expired", "entry.bad-date",
      ]), "\(result.codes)")
    for diagnostic in result.diagnostics {
      #expect(!diagnostic.message.contains("Petrović"), "\(diagnostic.code): \(diagnostic.message)")
    }
    // A practice's title is still quoted: it names no one.
    #expect(result.diagnostics.contains { $0.message.contains("Roma stewards") })
  }

  @Test("arises from its own small document", arguments: diagnosticCases.map(\.code))
  func code(_ code: String) throws {
    let document = try #require(diagnosticCases.first { $0.code == code }?.document)
    let result = read(document, file: "partner.xml")
    let diagnostic = try #require(result.diagnostic(code), "got \(result.codes)")
    #expect(diagnostic.location.file == "partner.xml")
    #expect(diagnostic.location.line >= 1)
    #expect(diagnostic.message.count > 20)
  }

  @Test("is documented in docs/diagnostics.md, and every documented code is tested")
  func documented() throws {
    let documentation = try String(
      contentsOf: repositoryRoot.appendingPathComponent("docs/diagnostics.md"), encoding: .utf8)
    let pattern = try Regex(
      #"`((?:xml|json|limit|feed|entry|person|contact|law|finding|event|tombstone)\.[a-z0-9.-]*[a-z0-9])`"#
    )
    let documented = Set(documentation.matches(of: pattern).map { String($0.output[1].substring!) })
    let tested = Set(diagnosticCases.map(\.code)).union([
      "xml.malformed", "xml.encoding", "xml.entity-declaration", "xml.external-dtd",
      "xml.html-entity", "limit.document-size", "limit.depth", "limit.attributes",
      "limit.text-length", "feed.charset-repaired", "feed.utf-32",
    ])
    #expect(
      documented == tested,
      "documented only: \(documented.subtracting(tested)); tested only: \(tested.subtracting(documented))"
    )
  }

  @Test("prints like a compiler message")
  func compilerStyle() throws {
    let result = read(
      atom("<entry><id>urn:x</id>\n<updated>2026-03-10T09:00:00Z</updated></entry>"),
      file: "feeds/brussels.xml")
    let diagnostic = try #require(result.diagnostic("entry.empty"))
    #expect(diagnostic.compilerStyle.hasPrefix("feeds/brussels.xml:\(diagnostic.location.line):"))
    #expect(
      diagnostic.compilerStyle.contains(
        ": error: entry.empty entry 1 has neither a title nor any text"))
  }

  @Test("leaves a person's card out when consent is missing, but keeps a role mailbox")
  func consentKeepsRoleMailbox() throws {
    let roleMailbox = """
      <vcard xmlns="urn:ietf:params:xml:ns:vcard-4.0"><kind><text>org</text></kind>
      <org><text>Foyer vzw</text></org><email><text>stewards@foyer.example.be</text></email></vcard>
      """
    let result = read(atom(entry(extra: vcard(consent: nil) + roleMailbox)))
    let entry = try #require(result.feed.entries.first)
    #expect(entry.contacts.map(\.emails) == [["stewards@foyer.example.be"]])
    #expect(!"\(entry)".contains("Petrović"))
  }
}

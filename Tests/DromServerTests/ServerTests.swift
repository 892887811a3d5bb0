import DromHarvest
import DromModel
import DromServer
import DromSite
import DromStore
import DromVocabulary
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

private let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sample network harvested once into a temporary index, shared by the tests.
private actor Fixture {
  static let shared = Fixture()
  private var built: (DromDatabase, Site, Vocabulary)?

  func directory() async throws -> (DromDatabase, Site, Vocabulary) {
    if let built { return built }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-server-\(UUID()).sqlite"
    ).path
    let database = try DromDatabase(path: path)
    let vocabulary = try Vocabulary.load(
      directory: repositoryRoot.appendingPathComponent("Vocabularies").path)
    let registry = try OPMLRegistryLoader.sources(
      repositoryRoot.appendingPathComponent("docs/sample-network/registry.opml").path)
    _ = try await Harvester(
      database: database, vocabulary: vocabulary, logger: Logger(label: "test")
    ).run(registry)
    let site = try await Site.load(directory: repositoryRoot.appendingPathComponent("Site").path)
    built = (database, site, vocabulary)
    return built!
  }
}

func app(searchRate: SearchRateLimit = SearchRateLimit()) async throws
  -> some ApplicationProtocol
{
  let (database, site, vocabulary) = try await Fixture.shared.directory()
  var logger = Logger(label: "test")
  logger.logLevel = .critical
  return buildApplication(
    database: database, site: site, vocabulary: vocabulary,
    configuration: .init(
      documents: repositoryRoot.appendingPathComponent("docs").path, searchRate: searchRate),
    logger: logger)
}

func text(_ response: TestResponse) -> String {
  String(buffer: response.body)
}

func json(_ response: TestResponse) throws -> [String: Any] {
  try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
}

@Suite("The web directory, in process")
struct ServerTests {
  @Test("/ sends the reader to the language their browser asks for")
  func negotiation() async throws {
    try await app().test(.router) { client in
      try await client.execute(
        uri: "/", method: .get, headers: [.acceptLanguage: "sr-Cyrl-RS, en;q=0.5"]
      ) { response in
        #expect(response.status == .found)
        #expect(response.headers[.location] == "/sr-Cyrl/")
      }
      try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "tlh"]) {
        response in
        #expect(response.headers[.location] == "/en/")
      }
    }
  }

  @Test(
    "A page asked for without a language goes to the reader's, query and all",
    arguments: [
      "/search?q=Roma&kind=practice", "/entry/0123456789abcdef", "/sources", "/about",
      "/city/G%C3%B6teborg", "/search.atom?q=Roma",
    ])
  func pagesWithoutLanguage(_ path: String) async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: path, method: .get, headers: [.acceptLanguage: "sv, en;q=0.5"])
      { response in
        #expect(response.status == .found)
        #expect(response.headers[.location] == "/sv" + path)
        #expect(response.headers[.vary] == "Accept-Language")
      }
    }
  }

  @Test("The API, assets and machine endpoints are never sent to a language")
  func machinePathsStay() async throws {
    try await app().test(.router) { client in
      for path in ["/api/search?q=Roma", "/healthz", "/metrics", "/api/nothing-here"] {
        try await client.execute(uri: path, method: .get) { response in
          #expect(response.status != .found, "\(path)")
        }
      }
    }
  }

  @Test("Every locale has every string the English one has")
  func localesComplete() throws {
    let directory = repositoryRoot.appendingPathComponent("Site/locales")
    func keys(_ name: String) throws -> Set<String> {
      let data = try Data(contentsOf: directory.appendingPathComponent(name))
      return Set((try JSONSerialization.jsonObject(with: data) as! [String: Any]).keys)
    }
    let english = try keys("en.json")
    let locales = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
      $0.hasSuffix(".json")
    }
    #expect(locales.count >= 14)
    for locale in locales {
      let missing = english.subtracting(try keys(locale))
      #expect(missing.isEmpty, "\(locale) lacks \(missing.sorted())")
    }
  }

  @Test(
    "Every page answers in its language, with security headers and no script",
    arguments: [
      "/en/", "/sv/", "/en/search", "/en/search?q=Roma&kind=practice&country=BE", "/fr/sources",
      "/en/about",
      "/el/search?q=εργασία&sort=newest",
    ])
  func pages(_ path: String) async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: path, method: .get) { response in
        #expect(response.status == .ok)
        let html = text(response)
        let language = String(path.split(separator: "/").first ?? "")
        #expect(html.contains("<html lang=\"\(language)\">"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains(": </p>"), "no empty 'also published by' lines")
        #expect(!html.contains("href=\"\""), "no empty links")
        #expect(!html.contains("\"nil\""), "no optional printed as nil")
        #expect(!html.contains("<p class=\"snippet\"></p>"))
        #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
        #expect(response.headers[.xContentTypeOptions] == "nosniff")
        #expect(response.headers[.eTag] != nil)
      }
    }
  }

  @Test("A page per city, country and theme lists its entries under its name")
  func listings() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/en/country/RS", method: .get) { response in
        let html = text(response)
        #expect(html.contains("<h1>Serbia</h1>"))
        #expect(html.contains("value=\"RS\" checked"))
      }
      try await client.execute(uri: "/sv/theme/employment", method: .get) { response in
        // The theme's label in the page's language, from the vocabulary.
        #expect(text(response).contains("<h1>Arbete</h1>"))
      }
      // The address the home page and the static export link to: a folded slug, paged by path.
      try await client.execute(uri: "/en/city/goteborg/", method: .get) { response in
        #expect(response.status == .ok)
        #expect(text(response).contains("<h1>Göteborg</h1>"))
      }
      try await client.execute(uri: "/en/kind/practice/", method: .get) { response in
        let html = text(response)
        #expect(html.contains("rel=\"next\" href=\"/en/kind/practice/2/\""))
      }
      try await client.execute(uri: "/en/kind/practice/2000/", method: .get) { response in
        #expect(response.status == .notFound)
      }
      try await client.execute(uri: "/en/kind/practice/2/", method: .get) { response in
        let html = text(response)
        #expect(response.status == .ok)
        #expect(html.contains("rel=\"prev\" href=\"/en/kind/practice/\""))
      }
      try await client.execute(uri: "/en/city/G%C3%B6teborg", method: .get) { response in
        #expect(text(response).contains("<h1>Göteborg</h1>"), "the value spelt out still works")
      }
      try await client.execute(uri: "/en/", method: .get) { response in
        let html = text(response)
        #expect(html.contains("href=\"/en/country/rs/\""), "\(html)")
        #expect(html.contains("href=\"/en/kind/practice/\""))
      }
    }
  }

  @Test(
    "A city page offers its local diagnosis: the page and its downloads, in the reader's language")
  func diagnosis() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/sv/city/goteborg/", method: .get) { response in
        let page = text(response)
        #expect(page.contains("href=\"/sv/city/goteborg/diagnosis/\""))
        #expect(page.contains("href=\"/sv/city/goteborg/diagnosis.md\" download"))
      }
      try await client.execute(uri: "/sv/city/goteborg/diagnosis/", method: .get) { response in
        #expect(response.status == .ok)
        let page = text(response)
        #expect(page.contains("<svg class=\"chart\""))
        #expect(page.contains("Göteborg"))
        #expect(!page.contains("<script"))
      }
      for (format, type) in [
        ("md", "text/markdown"), ("csv", "text/csv"), ("json", "application/json"),
      ] {
        try await client.execute(uri: "/en/city/goteborg/diagnosis.\(format)", method: .get) {
          response in
          #expect(response.status == .ok)
          #expect(response.headers[.contentType]?.hasPrefix(type) == true)
          #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
          #expect(text(response).contains("Göteborg"))
        }
      }
      try await client.execute(uri: "/en/city/atlantis/diagnosis/", method: .get) { response in
        #expect(response.status == .notFound)
      }
    }
  }

  @Test("A planner keeps a shortlist in the address: add from results, plan, download a calendar")
  func visitPlan() async throws {
    try await app().test(.router) { client in
      var add = ""
      try await client.execute(uri: "/en/search?q=Roma&kind=practice", method: .get) { response in
        let page = text(response)
        let link = try #require(
          page.range(
            of: #"<a href="(/en/search\?[^"]*visit=[0-9a-f]{16})" rel="nofollow">"#,
            options: .regularExpression))
        add = String(page[link]).components(separatedBy: "\"")[1]
          .replacingOccurrences(of: "&amp;", with: "&")
      }
      let slug = String(add.suffix(16))
      try await client.execute(uri: add, method: .get) { response in
        let page = text(response)
        // The shortlist rides along in every form and link; the hit now says it is in the plan.
        #expect(page.contains("<input type=\"hidden\" name=\"visit\" value=\"\(slug)\">"))
        #expect(page.contains("href=\"/en/visit?visit=\(slug)\""))
      }
      try await client.execute(uri: "/en/visit?visit=\(slug)&start=2027-03-01", method: .get) {
        response in
        #expect(response.status == .ok)
        let page = text(response)
        #expect(page.contains("2027-03-01"))
        #expect(page.contains("/en/visit.ics?visit=\(slug)&amp;start=2027-03-01"))
      }
      try await client.execute(uri: "/en/visit.ics?visit=\(slug)&start=2027-03-01", method: .get) {
        response in
        #expect(response.headers[.contentType] == "text/calendar; charset=utf-8")
        let calendar = text(response)
        #expect(calendar.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(calendar.contains("DTSTART;VALUE=DATE:20270301"))
      }
      try await client.execute(uri: "/en/visit?visit=not-a-slug", method: .get) { response in
        #expect(response.status == .badRequest)
      }
    }
  }

  @Test("XML written by hand escapes markup and drops what XML cannot hold; CSV defuses formulas")
  func handWrittenXMLAndCSV() {
    #expect(
      XMLText.escape("Roma & \"Travellers\" <b>\u{1}\u{FFFE}\n")
        == "Roma &amp; &quot;Travellers&quot; &lt;b&gt;\n")
    #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
    #expect(CSV.field("\t=1+1") == "'\t=1+1")
  }

  @Test("Listing slugs fold any script to plain ASCII")
  func slugs() {
    #expect(Listing.slug("Göteborg") == "goteborg")
    #expect(Listing.slug("Bruxelles / Brussel") == "bruxelles-brussel")
    #expect(Listing.slug("Београд") == "beograd")
    #expect(Listing.slug("Αθήνα") == "αθηνα")
    #expect(
      Listing.path(.city, "Αθήνα", language: "el") == "/el/city/%CE%B1%CE%B8%CE%B7%CE%BD%CE%B1/")
    #expect(Listing.slug("BE") == "be")
    #expect(Listing.slug("…") == "-")
    // A place name longer than a folder name can be is cut, and told apart by a hash.
    let long = Listing.slug(String(repeating: "Αθήνα ", count: 60))
    #expect(long.utf8.count <= 100)
    #expect(long != Listing.slug(String(repeating: "Αθήνα ", count: 61)))
  }

  @Test("The feed profile is published as a page, in English inside any language's page")
  func feedProfile() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/sv/feed-profile", method: .get) { response in
        let html = text(response)
        #expect(html.contains("<article class=\"document\" lang=\"en\">"))
        #expect(html.contains("fh:complete"))
        // Links between documents lead to their pages in the reader's language; links to
        // repository files that are no page keep only their text.
        #expect(html.contains("href=\"/sv/diagnostics\""))
        #expect(!html.contains("href=\"examples/"))
      }
    }
  }

  @Test("A search page escapes what the user typed")
  func escapesQuery() async throws {
    try await app().test(.router) { client in
      try await client.execute(
        uri: "/en/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22", method: .get
      ) { response in
        let html = text(response)
        #expect(!html.contains("<script>alert(1)"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
      }
    }
  }

  @Test(
    "Search results link to entry pages, which show the entry with schema.org markup and its language"
  )
  func entryPage() async throws {
    try await app().test(.router) { client in
      var entryURL = ""
      try await client.execute(uri: "/api/search?q=Diskrimineringslag", method: .get) { response in
        let hits = try json(response)["hits"] as! [[String: Any]]
        let slug = try #require(hits.first?["slug"] as? String)
        entryURL = "/en/entry/\(slug)"
      }
      try await client.execute(uri: entryURL, method: .get) { response in
        #expect(response.status == .ok)
        let html = text(response)
        #expect(html.contains("itemtype=\"https://schema.org/Legislation\""))
        #expect(html.contains("lang=\"sv\""))
      }
      try await client.execute(uri: "/en/entry/0123456789abcdef", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(text(response).contains("<html lang=\"en\">"))
      }
    }
  }

  @Test(
    "An entry page shows its contacts, results and translations, and the home page the directory at a glance"
  )
  func entrySections() async throws {
    try await app().test(.router) { client in
      var entryURL = ""
      try await client.execute(uri: "/api/search?q=stewards&country=BE&kind=practice", method: .get)
      {
        response in
        let hits = try json(response)["hits"] as! [[String: Any]]
        let hit = try #require(
          hits.first { ($0["title"] as? String)?.hasPrefix("Roma@Work 2.0") == true })
        entryURL = "/en/entry/\(hit["slug"] as! String)"
      }
      try await client.execute(uri: entryURL, method: .get) { response in
        let html = text(response)
        #expect(html.contains("<section class=\"contacts\">"))
        #expect(html.contains("mailto:roma-stewards@foyer.example.be"))
        #expect(html.contains("minstens 60 deelnemers"))
        #expect(html.contains("<p class=\"translations\""))
      }
      try await client.execute(uri: "/en/", method: .get) { response in
        let html = text(response)
        #expect(html.contains("<section class=\"facet-list\">"))
        #expect(html.contains(">Belgium</a>"))
      }
    }
  }

  @Test("Error pages carry the security headers too, and HEAD answers like GET without a body")
  func errorHeadersAndHead() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/en/no-such-page", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(response.headers[.contentSecurityPolicy] != nil)
        #expect(response.headers[.xContentTypeOptions] == "nosniff")
      }
      try await client.execute(uri: "/en/about", method: .head) { response in
        #expect(response.status == .ok)
        #expect(response.body.readableBytes == 0)
        #expect(response.headers[.eTag] != nil)
      }
    }
  }

  @Test("The API has one error shape for every error")
  func errorShape() async throws {
    let cases: [(String, HTTPResponse.Status, String)] = [
      ("/api/search?page=0", .badRequest, "bad-parameter"),
      ("/api/search?sort=sideways", .badRequest, "bad-parameter"),
      ("/api/search?since=yesterday", .badRequest, "bad-parameter"),
      ("/api/search?q=%22unbalanced&raw=true", .badRequest, "bad-pattern"),
      ("/api/entries/nope", .notFound, "not-found"),
      ("/api/nothing-here", .notFound, "not-found"),
    ]
    try await app().test(.router) { client in
      for (path, status, code) in cases {
        try await client.execute(uri: path, method: .get) { response in
          #expect(response.status == status, "\(path)")
          let error = try json(response)["error"] as! [String: Any]
          #expect(error["status"] as? Int == Int(status.code))
          #expect(error["code"] as? String == code, "\(path)")
          #expect((error["message"] as? String)?.isEmpty == false)
        }
      }
    }
  }

  @Test("API search returns hits and facets, and pages are stable")
  func apiSearch() async throws {
    try await app().test(.router) { client in
      var first: [String] = []
      try await client.execute(uri: "/api/search?q=Roma&sort=newest", method: .get) { response in
        let body = try json(response)
        #expect((body["total"] as? Int ?? 0) > 20)
        first = (body["hits"] as! [[String: Any]]).map { $0["slug"] as! String }
        #expect(first.count == 20)
        #expect((body["facets"] as! [String: Any])["kind"] != nil)
      }
      try await client.execute(uri: "/api/search?q=Roma&sort=newest&page=2", method: .get) {
        response in
        let second = (try json(response)["hits"] as! [[String: Any]]).map { $0["slug"] as! String }
        #expect(Set(first).isDisjoint(with: second))
      }
    }
  }

  @Test("A page sends an ETag and answers 304 when it has not changed")
  func conditional() async throws {
    try await app().test(.router) { client in
      var etag = ""
      try await client.execute(uri: "/en/about", method: .get) { response in
        etag = response.headers[.eTag] ?? ""
        #expect(response.headers[.cacheControl] != nil)
      }
      try await client.execute(uri: "/en/about", method: .get, headers: [.ifNoneMatch: etag]) {
        response in
        #expect(response.status == .notModified)
      }
    }
  }

  @Test("Searches come as CSV and Atom too, and the OpenSearch description points at them")
  func feedsAndCSV() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/api/search.csv?q=Roma", method: .get) { response in
        #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
        #expect(text(response).hasPrefix("title,kind,language,source,updated,link,page\r\n"))
      }
      try await client.execute(uri: "/en/search.atom?q=Roma", method: .get) { response in
        let xml = text(response)
        #expect(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""))
        #expect(xml.contains("<entry"))
      }
      try await client.execute(uri: "/en/opensearch.xml", method: .get) { response in
        #expect(text(response).contains("search?q={searchTerms}"))
      }
    }
  }

  @Test("The OpenAPI document is JSON, and every path it lists answers")
  func openAPI() async throws {
    try await app().test(.router) { client in
      var paths: [String] = []
      try await client.execute(uri: "/api/openapi.json", method: .get) { response in
        let document = try json(response)
        #expect(document["openapi"] as? String == "3.1.0")
        paths = (document["paths"] as! [String: Any]).keys.sorted()
      }
      #expect(paths.contains("/api/search"))
      for path in paths where !path.contains("{") {
        try await client.execute(uri: path, method: .get) { response in
          #expect(response.status == .ok, "\(path)")
        }
      }
    }
  }

  @Test("/metrics counts requests by route and tells the index's age")
  func metrics() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/en/about", method: .get) { _ in }
      try await client.execute(uri: "/metrics", method: .get) { response in
        let body = text(response)
        #expect(body.contains("drom_http_requests_total{route=\"/{lang}/about\",status=\"200\"}"))
        #expect(body.contains("drom_http_request_duration_seconds_bucket"))
        #expect(body.contains("drom_index_age_seconds "))
      }
    }
  }

  @Test("Pages are gzipped for clients that accept it")
  func gzip() async throws {
    try await app().test(.router) { client in
      try await client.execute(
        uri: "/en/search?q=Roma", method: .get, headers: [.acceptEncoding: "gzip, br"]
      ) { response in
        #expect(response.headers[.contentEncoding] == "gzip")
        #expect(Array(response.body.readableBytesView.prefix(2)) == [0x1F, 0x8B])
      }
      try await client.execute(uri: "/en/search?q=Roma", method: .get) { response in
        #expect(response.headers[.contentEncoding] == nil)
      }
    }
  }

  @Test("/healthz reports the index")
  func health() async throws {
    try await app().test(.router) { client in
      try await client.execute(uri: "/healthz", method: .get) { response in
        let body = try json(response)
        #expect(body["status"] as? String == "ok")
        #expect((body["entries"] as? Int ?? 0) > 100)
      }
    }
  }
}

@Suite("The web directory over a real port")
struct LiveServerTests {
  @Test("serves the home page and the API over HTTP on loopback")
  func live() async throws {
    try await app().test(.live) { client in
      try await client.execute(uri: "/en/", method: .get) { response in
        #expect(response.status == .ok)
        #expect(text(response).contains("<main id=\"content\""))
      }
      try await client.execute(uri: "/api/sources", method: .get) { response in
        let sources =
          try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [[String: Any]]
        #expect(sources.count == 14)
      }
    }
  }
}

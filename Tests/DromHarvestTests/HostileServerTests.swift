import DromModel
import Foundation
import NIOCore
import Testing

@testable import DromHarvest

/// Misbehaving servers on loopback: the fetcher's bounds and the address guard on every hop.
@Suite("Hostile servers on loopback", .serialized)
struct HostileServerTests {
  @Test(
    "A body trickled one byte a second fails at the deadline, and the index keeps what it had",
    // Generous: other suites render exports on both cores meanwhile. Without the deadline the
    // body would take hours.
    .timeLimit(.minutes(3)))
  func trickledBody() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/feed")
    bench.server.serve("/feed", body: feed([("urn:1", "Roma stewards")], complete: true))
    // The first harvest runs with the default deadline: on a busy machine 2 s could end it too.
    let first = try await bench.harvest([source])
    try #require(first[0].record.outcome == .updated, "\(first[0].record.message ?? "")")
    try #require(try bench.titles(source) == ["Roma stewards"])
    bench.options.fetch.responseTimeout = 2

    let endless = feed((1...200).map { ("urn:\($0)", "Entry \($0)") }, complete: true)
    bench.server.route("/feed") { _ in .init(body: Data(endless.utf8), trickle: .seconds(1)) }
    let started = ContinuousClock.now
    let result = try await bench.harvest([source])
    let elapsed = ContinuousClock.now - started

    #expect(result[0].record.outcome == .failed)
    let message = try #require(result[0].record.message)
    #expect(message.contains("no complete answer within 2 s"), "\(message)")
    #expect(message.contains("bytes of the body had arrived"), "\(message)")
    // The body would take over an hour at this pace; the deadline ended it.
    #expect(elapsed < .seconds(120), "\(elapsed)")
    #expect(try bench.titles(source) == ["Roma stewards"])
  }

  @Test(
    "A redirect from an allowed loopback source to a metadata address is refused before any connection",
    arguments: [
      ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
      ("http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254"),
      ("http://100.100.100.200/latest/meta-data/", "100.100.100.200"),
      ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254"),
      ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal"),
    ])
  func redirectToMetadata(target: String, host: String) async throws {
    // Should the guard ever wave the address through, this test must not connect there: it
    // stops here instead (the guard's own tests say why).
    let resolved = host.contains(".internal") ? "169.254.169.254" : host
    try #require(
      AddressGuard.refusal(host: host, address: resolved, allowance: .privateToo) != nil)
    let bench = try HarvestBench()
    let asked = Locked<[String]>([])
    // A resolver stub: loopback for the fixture server, the metadata address for any other
    // name. Nothing outside 127.0.0.0/8 is ever connected to; the guard decides first.
    bench.options.fetch.resolver = { name in
      asked.value.append(name)
      if name == "127.0.0.1" { return ["127.0.0.1"] }
      return name.contains(".internal") ? ["169.254.169.254"] : [name]
    }
    bench.server.route("/feed") { _ in .init(status: .found, headers: [("Location", target)]) }
    let source = bench.source("/feed", allowPrivate: true)
    let result = try await bench.harvest([source])

    #expect(result[0].record.outcome == .failed)
    let message = try #require(result[0].record.message)
    #expect(message.contains("which Drom never fetches from"), "\(message)")
    #expect(asked.value == ["127.0.0.1", host])
    #expect(bench.server.requests(to: "/feed").count == 1)
  }

  @Test("A redirect from an allowed loopback source to another loopback port is followed")
  func redirectWithinAllowance() async throws {
    let bench = try HarvestBench()
    let other = FixtureServer()
    try other.start()
    defer { other.stop() }
    other.serve("/feed", body: feed([("urn:1", "Moved next door")]))
    bench.server.route("/feed") { _ in
      .init(status: .found, headers: [("Location", other.url("/feed"))])
    }
    let source = bench.source("/feed", allowPrivate: true)
    try await bench.harvest([source])
    #expect(try bench.titles(source) == ["Moved next door"])
  }
}

/// What real servers send besides Atom and RSS in UTF-8.
@Suite("Feeds as servers really send them", .serialized)
struct ServedFormatTests {
  @Test("A JSON Feed served as application/feed+json is harvested like any feed")
  func jsonFeed() async throws {
    let bench = try HarvestBench()
    let json = """
      {"version": "https://jsonfeed.org/version/1.1", "title": "QualiROM", "language": "sr-Latn",
       "items": [
        {"id": "q-1", "title": "Prakse u firmama", "content_html": "<p>Za mlade Rome i Romkinje.</p>",
         "date_published": "2026-10-18T12:05:27+02:00", "tags": ["prakse"]},
        {"id": "q-2", "content_text": "Virtuelni koučing je od sada i subotom. Prijave na sajtu.",
         "date_published": "2026-09-12T08:00:00+02:00"}
       ]}
      """
    bench.server.serve(
      "/feed.json", body: json, headers: [("Content-Type", "application/feed+json")])
    let source = bench.source("/feed.json")
    let result = try await bench.harvest([source])
    #expect(result[0].record.outcome == .updated, "\(result[0].record.message ?? "")")
    #expect(
      try bench.titles(source).sorted() == [
        "Prakse u firmama", "Virtuelni koučing je od sada i subotom",
      ])
    let accept = try #require(
      bench.server.requests(to: "/feed.json").first?.headers.first(name: "Accept"))
    #expect(accept.contains("application/feed+json"))
  }

  @Test("A charset given only by the HTTP header is honoured")
  func charsetFromHeader() async throws {
    let bench = try HarvestBench()
    let latin1 = feed([("urn:1", "Integração de refugiados em Malmö")])
      .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    bench.server.route("/feed") { _ in
      .init(
        headers: [("Content-Type", "application/atom+xml; charset=ISO-8859-1")],
        body: latin1.data(using: .isoLatin1)!)
    }
    let source = bench.source("/feed")
    try await bench.harvest([source])
    #expect(try bench.titles(source) == ["Integração de refugiados em Malmö"])
  }
}

@Suite("A web page registered instead of its feed", .serialized)
struct WebPageInsteadOfFeedTests {
  @Test("is refused, changes nothing, and the report names the feed the page links to")
  func namesTheFeed() async throws {
    let bench = try HarvestBench()
    let source = bench.source("/")
    bench.server.serve("/", body: feed([("urn:1", "Roma stewards")]))
    try await bench.harvest([source])
    bench.server.serve(
      "/",
      body: """
        <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Gränsgångare</title>
        <link rel="alternate" type="application/rss+xml" title="Nyheter" href="/feed/">
        <link rel='alternate' type='application/atom+xml' href='https://cdn.example.se/atom.xml'>
        </head><body><p>Välkommen</p></body></html>
        """, headers: [("Content-Type", "text/html; charset=utf-8")])
    let result = try await bench.harvest([source])
    #expect(result[0].record.outcome == .rejected)
    let notes = result[0].record.diagnostics.filter { $0.code == "feed.discovered" }.map(\.message)
    #expect(notes.count == 2)
    #expect(notes.first?.contains(bench.server.url("/feed/")) == true, "\(notes)")
    #expect(notes.last?.contains("https://cdn.example.se/atom.xml") == true)
    #expect(try bench.titles(source) == ["Roma stewards"])
  }
}

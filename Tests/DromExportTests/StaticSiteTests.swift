import DromHarvest
import DromModel
import DromStore
import DromVocabulary
import Foundation
import Logging
import Testing

@testable import DromExport
@testable import DromSite

private let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sample network harvested into a fresh index, and the site and vocabularies to export it.
private struct Bench: Sendable {
  let database: DromDatabase
  let site: Site
  let vocabulary: Vocabulary
  let feeds: URL

  /// Harvests a copy of the sample network, so a test may change a feed and harvest again.
  static func make() async throws -> Bench {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "drom-export-\(UUID())")
    let network = folder.appendingPathComponent("network")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: repositoryRoot.appendingPathComponent("docs/sample-network"), to: network)
    let database = try DromDatabase(path: folder.appendingPathComponent("index.sqlite").path)
    let vocabulary = try Vocabulary.load(
      directory: repositoryRoot.appendingPathComponent("Vocabularies").path)
    let bench = Bench(
      database: database,
      site: try await Site.load(directory: repositoryRoot.appendingPathComponent("Site").path),
      vocabulary: vocabulary, feeds: network)
    try await bench.harvest()
    return bench
  }

  func harvest() async throws {
    var options = HarvestOptions()
    options.ignoreBackoff = true
    _ = try await Harvester(
      database: database, options: options, vocabulary: vocabulary, logger: Logger(label: "test")
    ).run(try OPMLRegistryLoader.sources(feeds.appendingPathComponent("registry.opml").path))
  }

  /// - Parameter languages: fewer than all keeps a test that exports several times quick.
  func export(
    into sink: MemorySink, baseURL: String? = "https://drom.example.org",
    languages: [String]? = nil, mode: ExportWriter.Mode = .write, renderer: String = "v1"
  ) throws -> ExportSummary {
    let writer = try ExportWriter(sink: sink, mode: mode)
    try StaticSite(
      database: database, site: site, vocabulary: vocabulary,
      documents: Documents.load(directory: repositoryRoot.appendingPathComponent("docs").path),
      baseURL: baseURL, languages: languages, rendererFingerprint: renderer
    ).export(to: writer)
    return try writer.finish()
  }
}

/// One export of the unchanged sample network, shared by the tests that only read it.
private actor SharedExport {
  static let shared = SharedExport()
  private var made: (Bench, MemorySink, ExportSummary)?

  func get() async throws -> (Bench, MemorySink, ExportSummary) {
    if let made { return made }
    let bench = try await Bench.make()
    let sink = MemorySink()
    let summary = try bench.export(into: sink)
    made = (bench, sink, summary)
    return made!
  }
}

private func html(_ sink: MemorySink, _ path: String) -> String {
  sink.files[path].map { String(decoding: $0, as: UTF8.self) } ?? ""
}

@Suite("The static export", .serialized)
struct StaticSiteTests {
  @Test(
    "the home page maps the partner cities: a linked dot each, drawn with the land's projection")
  func mapOfPartnerCities() async throws {
    let (bench, sink, _) = try await SharedExport.shared.get()
    let home = html(sink, "sv/index.html")
    // Every city of the sample network is placed, but a region (Vojvodina) is not a dot.
    for city in ["goteborg", "novi-sad", "kobenhavn", "chiaramonte-gulfi", "craiova", "sevilla"] {
      #expect(home.contains("<a href=\"/sv/city/\(city)/\" aria-label="), "\(city)")
    }
    #expect(home.contains("Војводина"))
    #expect(!home.contains("aria-label=\"Војводина"))
    #expect(home.contains("<g class=\"land\" aria-hidden=\"true\"><path d=\"M"))
    let dots = home.components(separatedBy: "<circle ").count - 1
    let overview = try bench.database.overview()
    let placeable = overview.byCity.filter {
      bench.vocabulary.places.coordinates(of: $0.value, country: overview.cityCountries[$0.value])
        != nil
    }
    #expect(dots == placeable.count)
    #expect(dots >= 15)
    // The land file says which projection drew it; the dots must use the same one.
    let land = try String(
      contentsOf: repositoryRoot.appendingPathComponent("Site/templates/europe-land.mustache"),
      encoding: .utf8)
    let header = String(land.prefix { $0 != "\n" })
    for (name, value) in [
      ("lat0", EuropeMap.latitude0), ("lon0", EuropeMap.longitude0), ("xmin", EuropeMap.xmin),
      ("ymax", EuropeMap.ymax), ("scale", EuropeMap.scale), ("height", Double(EuropeMap.height)),
    ] {
      let field = header.split(separator: " ").first { $0.hasPrefix(name + "=") }
      #expect(field.flatMap { Double($0.dropFirst(name.count + 1)) } == value, "\(name)")
    }
    // Paris lies west of Athens and north of Sevilla; Göteborg north of both.
    let paris = try #require(EuropeMap.project(.init(latitude: 48.86, longitude: 2.35)))
    let athens = try #require(EuropeMap.project(.init(latitude: 37.98, longitude: 23.73)))
    let sevilla = try #require(EuropeMap.project(.init(latitude: 37.38, longitude: -5.98)))
    #expect(paris.x < athens.x && paris.y < sevilla.y && sevilla.x < paris.x)
    #expect(EuropeMap.project(.init(latitude: 40.7, longitude: -74)) == nil)  // New York
  }

  @Test("writes every page of the service, in every language, and the files around them")
  func fileList() async throws {
    let (bench, sink, summary) = try await SharedExport.shared.get()
    let slugs = try bench.database.entrySlugs()
    #expect(slugs.count > 100)
    for language in bench.site.languages {
      for page in [
        "index.html", "sources/index.html", "about/index.html", "search/index.html",
        "feed-profile/index.html", "diagnostics/index.html", "kind/practice/index.html",
        "country/be/index.html", "city/goteborg/index.html", "theme/employment/index.html",
      ] {
        #expect(sink.files["\(language)/\(page)"] != nil, "\(language)/\(page)")
      }
      for slug in slugs { #expect(sink.files["\(language)/entry/\(slug)/index.html"] != nil) }
    }
    for file in [
      "index.html", "404.html", "robots.txt", "sitemap.xml", "directory.csv", "directory.json",
      "registry.opml", "sv/feed.atom", "sv/city/goteborg/feed.atom",
      "el/theme/employment/feed.atom",
      ExportWriter.manifestPath,
    ] {
      #expect(sink.files[file] != nil, "\(file)")
    }
    #expect(sink.files[String(bench.site.stylesheetPath.dropFirst())] != nil)
    #expect(sink.files[String(bench.site.searchScriptPath.dropFirst())] != nil)
    #expect(summary.written == sink.files.count - 1)  // all but the manifest
    #expect(summary.unchanged == 0 && summary.removed == 0)
    #expect(html(sink, "robots.txt").contains("Sitemap: https://drom.example.org/sitemap.xml"))
    // The downloads hold every entry once; the feeds point at the export's own pages.
    let csvLines = html(sink, "directory.csv").split(separator: "\r\n")
    #expect(csvLines.count == slugs.count + 1)
    let json =
      try JSONSerialization.jsonObject(with: sink.files["directory.json"]!) as! [String: Any]
    #expect((json["entries"] as! [Any]).count == slugs.count)
    let feed = html(sink, "sv/city/goteborg/feed.atom")
    #expect(
      feed.contains(
        "<link rel=\"self\" href=\"https://drom.example.org/sv/city/goteborg/feed.atom\"/>"))
    #expect(feed.contains("<link href=\"https://drom.example.org/sv/entry/"))
    #expect(
      html(sink, "sv/city/goteborg/index.html").contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Göteborg\" href=\"/sv/city/goteborg/feed.atom\">"
      ))
    // The sample network's feeds are local files: a public registry lists none of their paths.
    #expect(!html(sink, "registry.opml").contains("file:"))
    let sitemap = html(sink, "sitemap.xml")
    #expect(sitemap.contains("<loc>https://drom.example.org/sv/city/goteborg/</loc>"))
    #expect(
      sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"sr-Cyrl\" href=\"https://drom.example.org/sr-Cyrl/city/goteborg/\"/>"
      ))
  }

  @Test("has no broken internal link anywhere (a crawler follows every href and src)")
  func noBrokenLinks() async throws {
    let (_, sink, _) = try await SharedExport.shared.get()
    // Every address in the pages, relative ones too; not other sites, mail or phone links.
    // Inside real tags only: `&lt;link href="…"/&gt;` in a code sample is text.
    let pattern = try Regex(##"<[a-zA-Z][^<>]*?\s(?:href|src|action)="([^"#?]*)[^"]*""##)
    var broken: [String: String] = [:]
    var checked = 0
    for (path, data) in sink.files where path.hasSuffix(".html") {
      // A folder's index.html is served at the folder's address, which relative links start from.
      let base = URL(string: "https://export.test/" + path)!
      for match in String(decoding: data, as: UTF8.self).matches(of: pattern) {
        let raw = String(match.output[1].substring!)
        guard !raw.isEmpty, let url = URL(string: raw, relativeTo: base)?.absoluteURL,
          url.host == "export.test"
        else { continue }
        let link = url.path
        // Pagefind writes its bundle after the pages (drom export site --pagefind).
        if link.hasPrefix("/pagefind/") { continue }
        checked += 1
        let decoded = String(link.dropFirst()).removingPercentEncoding ?? link
        let target =
          decoded.isEmpty || decoded.hasSuffix("/")
          ? decoded + "index.html" : sink.files[decoded] != nil ? decoded : decoded + "/index.html"
        if sink.files[target] == nil { broken[raw] = path }
      }
    }
    #expect(checked > 10_000)
    #expect(broken.isEmpty, "\(broken.count) broken links, e.g. \(broken.prefix(5))")
  }

  @Test("is deterministic: the same index gives the same bytes, and a second export writes nothing")
  func deterministic() async throws {
    let (bench, shared, _) = try await SharedExport.shared.get()
    let first = MemorySink()
    for (path, data) in shared.files { try first.write(path, data) }
    let second = MemorySink()
    _ = try bench.export(into: second)
    #expect(first.files == second.files)
    let again = try bench.export(into: first)
    #expect(again.written == 0)
    #expect(again.unchanged == first.files.count - 1)
    // No page is even made again while what it shows and the renderer are the same: only the
    // few small files made without a fingerprint are (the assets, the root's language list,
    // the 404 page, robots.txt, the registry).
    let unfingerprinted = first.files.keys.filter {
      $0.hasPrefix("assets/")
        || ["index.html", "404.html", "robots.txt", "registry.opml"].contains($0)
    }
    #expect(unfingerprinted.count == 6)
    #expect(again.rendered == unfingerprinted.count)
    // …until the renderer changes (templates, strings, vocabularies, Drom itself), which makes
    // every file again but the sitemap (the pages' addresses).
    let newRenderer = try bench.export(into: first, renderer: "v2")
    #expect(newRenderer.rendered == first.files.count - 1 - 1)
    #expect(newRenderer.written == 0)
  }

  @Test("removes a deleted entry's pages and rewrites only what changed, and --check sees it")
  func incremental() async throws {
    let bench = try await Bench.make()
    let sink = MemorySink()
    let languages = ["sv", "el"]
    _ = try bench.export(into: sink, languages: languages)
    // The Göteborg partner withdraws an entry (a complete feed no longer lists it).
    let feed = bench.feeds.appendingPathComponent("feeds/goteborg-gransgangare.atom.xml")
    var xml = try String(contentsOf: feed, encoding: .utf8)
    let firstEntry = try #require(xml.range(of: "<entry"))
    let firstEnd = try #require(
      xml.range(of: "</entry>", range: firstEntry.upperBound..<xml.endIndex))
    let removed = String(xml[firstEntry.lowerBound..<firstEnd.upperBound])
    let title = try #require(
      removed.firstMatch(of: try Regex("<title[^>]*>([^<]+)</title>"))?.output[1].substring)
    xml.removeSubrange(firstEntry.lowerBound..<firstEnd.upperBound)
    #expect(xml.contains("fh:complete"), "the Göteborg feed must be complete for this test")
    try xml.write(to: feed, atomically: true, encoding: .utf8)
    // The Brussels partner retitles an entry: its page, and every listing, feed and download
    // showing it, must follow (the export decides that from fingerprints, not from the pages).
    let brussels = bench.feeds.appendingPathComponent("feeds/brussels-foyer.atom.xml")
    var brusselsXML = try String(contentsOf: brussels, encoding: .utf8)
    let titleTag = try #require(
      brusselsXML.firstMatch(of: try Regex("<entry[\\s\\S]*?<title[^>]*>([^<]+)</title>")))
    let oldTitle = String(titleTag.output[1].substring!)
    brusselsXML.replaceSubrange(
      titleTag.output[1].range!, with: oldTitle + " (Molenbeek, 2026 edition)")
    try brusselsXML.write(to: brussels, atomically: true, encoding: .utf8)
    let before = Set(try bench.database.entrySlugs())
    try await bench.harvest()
    let gone = before.subtracting(try bench.database.entrySlugs())
    #expect(gone.count == 1)

    let problems = try bench.export(into: sink, languages: languages, mode: .check).problems
    #expect(problems.contains { $0.contains("entry/\(gone.first!)/index.html is no longer part") })

    let beforeFiles = sink.files
    let summary = try bench.export(into: sink, languages: languages)
    // The entry's page in every language (and any listing it alone filled).
    #expect(summary.removed >= languages.count)
    // Written: exactly the files whose bytes changed (the manifest is written apart).
    let changed = sink.files.filter { beforeFiles[$0.key] != $0.value }.count
    #expect(summary.written == changed - 1)
    #expect(summary.written > 0 && summary.written < summary.unchanged)
    // Gone from every page, feed and download.
    for (path, data) in sink.files where path != ExportWriter.manifestPath {
      #expect(!path.contains(gone.first!))
      #expect(!String(decoding: data, as: UTF8.self).contains(String(title)), "\(path)")
    }
    // The second export is exactly what a first export of the new index gives.
    let fresh = MemorySink()
    _ = try bench.export(into: fresh, languages: languages)
    var expected = fresh.files
    var got = sink.files
    expected[ExportWriter.manifestPath] = nil
    got[ExportWriter.manifestPath] = nil
    #expect(Set(got.keys) == Set(expected.keys))
    let differing = expected.keys.filter { got[$0] != expected[$0] }.sorted()
    #expect(differing.isEmpty, "\(differing.prefix(5))")
    let retitled = sink.files.filter {
      String(decoding: $0.value, as: UTF8.self).contains("(Molenbeek, 2026 edition)")
    }.keys
    #expect(retitled.contains { $0.contains("/entry/") })
    #expect(retitled.contains { $0.hasPrefix("sv/city/") })
    #expect(retitled.contains { $0.hasSuffix("feed.atom") })
  }

  @Test("escapes what partners wrote; no script but the search page's, no form that needs a server")
  func escaping() async throws {
    let (bench, sink, _) = try await SharedExport.shared.get()
    for (path, data) in sink.files where path.hasSuffix(".html") {
      let page = String(decoding: data, as: UTF8.self)
      let scripts = page.matches(of: try Regex(#"<script[^>]*>"#)).map {
        String($0.output[0].substring!)
      }
      if path.hasSuffix("/search/index.html") {
        // Pagefind's interface and the script that starts it, from files, never inline.
        #expect(
          scripts == [
            "<script src=\"/pagefind/pagefind-ui.js\" defer>",
            "<script src=\"\(bench.site.searchScriptPath)\" defer>",
          ], "\(path)")
      } else {
        #expect(scripts.isEmpty, "\(path)")
      }
      #expect(!page.contains("opensearch.xml"), "\(path)")
      #expect(!page.contains("/api/"), "\(path)")
    }
    let listing = html(sink, "sv/city/goteborg/index.html")
    #expect(listing.contains("<h1>Göteborg</h1>"))
    #expect(!listing.contains("<details class=\"filters\">"))
  }

  @Test("a large directory's sitemap is an index of files within the protocol's limits")
  func sitemapIndex() throws {
    let languages = ["en", "sv", "el", "sr-Cyrl"]
    let addresses = (0..<12_000).map { "/entry/\($0)" }
    let files = Sitemap.files(addresses, languages: languages, base: "https://drom.example.org")
    let index = try #require(files.first)
    #expect(index.0 == "sitemap.xml")
    #expect(index.1.contains("<sitemapindex"))
    var locations = 0
    for (name, xml) in files.dropFirst() {
      #expect(index.1.contains("<loc>https://drom.example.org/\(name)</loc>"))
      let count = xml.components(separatedBy: "<loc>").count - 1
      #expect(count <= Sitemap.urlsPerFile)
      locations += count
    }
    #expect(locations == addresses.count * languages.count)
    // A small one stays one file.
    #expect(Sitemap.files(["/"], languages: languages, base: "https://x.example").count == 1)
  }
}

import Crypto
import DromModel
import DromReports
import DromSite
import DromStore
import DromVocabulary
import Foundation

/// The whole directory as static files, at the live service's addresses, in every interface
/// language: home, entry pages, listings by kind, country, city and theme (paged by path),
/// partners, about, the published documents, a 404 page, `robots.txt` and, given the site's
/// address, `sitemap.xml` with the pages' language alternates; each city's local diagnosis. The
/// same index gives the same bytes: the clock is read only to ask whose consent still holds
/// (a person whose consent has run out leaves the export), and everything is listed in a
/// stable order.
public struct StaticSite {
  let database: DromDatabase
  let site: Site
  let pages: Pages
  let diagnoses: DiagnosisBuilder
  let documents: Documents
  /// Where the export will be served from (`https://drom.example.org`), for the sitemap.
  let baseURL: String?
  /// The interface languages to write: all of the site's unless told otherwise.
  let languages: [String]
  /// What else shapes the pages (templates, strings, vocabularies, Drom itself): while it and
  /// an entry stay the same, the entry's pages are the last export's and are not made again.
  let rendererFingerprint: String

  public init(
    database: DromDatabase, site: Site, vocabulary: Vocabulary, documents: Documents,
    baseURL: String? = nil, languages: [String]? = nil, rendererFingerprint: String = ""
  ) {
    self.database = database
    self.site = site
    self.pages = Pages(site: site, vocabulary: vocabulary, forExport: true)
    self.diagnoses = DiagnosisBuilder(database: database, vocabulary: vocabulary)
    self.documents = documents
    self.baseURL = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    self.languages = languages ?? site.languages
    self.rendererFingerprint = rendererFingerprint
  }

  /// Writes every file through `writer`; `progress` hears how many pages are done of how many.
  public func export(to writer: ExportWriter, progress: (Int, Int) -> Void = { _, _ in }) throws {
    let slugs = try database.entrySlugs()
    let listings = try listingPages()
    let pagesPerLanguage = 1 + slugs.count + listings.count + 2 + Documents.published.count
    let total = pagesPerLanguage * languages.count
    var done = 0
    var addresses: [String] = []  // within a language, for the sitemap
    func page(_ address: String, inputs: String? = nil, _ html: (String) throws -> String) throws {
      for language in languages {
        let path = Self.file(language, address)
        if let inputs, writer.reuse(path, inputs: inputs) { continue }
        try writer.put(path, try html(language), inputs: inputs)
      }
      addresses.append(address)
      done += languages.count
      progress(done, total)
    }

    try writer.put(String(site.stylesheetPath.dropFirst()), site.stylesheet)
    try writer.put(String(site.searchScriptPath.dropFirst()), site.searchScript)
    let overview = try database.overview()
    try page("/") { language in
      var latest = SearchParameters()
      latest.sort = .newest
      var query = latest.query(readerLanguage: language)
      query.limit = 8
      let results = try database.search(query, highlight: (Highlight.open, Highlight.close))
      var home = pages.home(overview: overview, latest: results, language: language)
      if baseURL != nil { home.feedURL = "/\(language)/feed.atom" }
      return try site.render(home, language: language, path: "/", exported: true)
    }
    var downloads = Downloads()
    for slug in slugs {
      guard let stored = try database.entry(slug: slug) else { continue }
      downloads.add(stored, page: (baseURL ?? "") + "/en/entry/\(slug)")
      try page("/entry/\(slug)", inputs: try fingerprint(stored)) { language in
        try site.render(
          pages.entry(stored, language: language), language: language, path: "/entry/\(slug)",
          exported: true)
      }
    }
    for listing in listings {
      let address = listing.address
      for language in languages {
        var parameters = SearchParameters()
        parameters.page = listing.page
        var heading: String?
        var facetListing: (facet: Facet, value: String)?
        if let facet = listing.facet {
          parameters.filters[facet] = listing.values
          heading = pages.label(facet, listing.values[0], language: language)
          facetListing = (facet, listing.values[0])
        }
        let results = try database.search(
          parameters.query(readerLanguage: language), highlight: (Highlight.open, Highlight.close))
        // A listing is made of its hits: while they and the renderer are the same, so is it.
        let path = Self.file(language, address)
        let inputs = try fingerprint(results, listing: listing)
        if writer.reuse(path, inputs: inputs) { continue }
        var content = pages.search(
          parameters, results: results, language: language, heading: heading,
          listing: facetListing)
        if baseURL != nil, let facet = listing.facet, Self.feedFacets.contains(facet) {
          content.feedURL = Listing.path(facet, listing.values[0], language: language) + "feed.atom"
        }
        try writer.put(
          path, try site.render(content, language: language, path: address, exported: true),
          inputs: inputs)
      }
      addresses.append(address)
      done += languages.count
      progress(done, total)
    }
    let countries = DiagnosisBuilder.CountryCache()
    for listing in listings where listing.facet == .city && listing.page == 1 {
      try diagnosis(
        city: listing.values[0], madeOn: overview.lastHarvest, countries: countries, to: writer)
    }
    let sources = try database.sources()
    let counts = try database.entryCounts()
    let latestRecords = try database.latestHarvests()
    try page("/sources") { language in
      try site.render(
        pages.sources(sources, entries: counts, latest: latestRecords, language: language),
        language: language, path: "/sources", exported: true)
    }
    try page("/about") { language in
      try site.render(
        pages.about(language: language), language: language, path: "/about", exported: true)
    }
    for name in Documents.published {
      guard let document = documents.pages[name] else { continue }
      try page("/\(name)") { language in
        try site.render(
          pages.document(document, language: language), language: language, path: "/\(name)",
          exported: true)
      }
    }
    try writer.put("index.html", rootPage(languages))
    try writer.put(
      "404.html",
      try site.render(
        pages.error(status: 404, message: site.strings("en")["notFound"] ?? "", language: "en"),
        language: "en", path: "/", exported: true))
    try writer.put(
      "robots.txt",
      "User-agent: *\nAllow: /\n" + (baseURL.map { "Sitemap: \($0)/sitemap.xml\n" } ?? ""))
    try writer.put("directory.csv", downloads.csv())
    try writer.put("directory.json", try downloads.json())
    try writer.put("registry.opml", Downloads.opml(sources))
    if let baseURL {
      for (path, xml) in Sitemap.files(addresses, languages: languages, base: baseURL) {
        try writer.put(path, xml)
      }
      try feeds(listings.filter { $0.page == 1 }, languages: languages, base: baseURL, to: writer)
    }
  }

  static let maxListingsPerFacet = 1_000

  /// A city's local diagnosis in every language, beside its listing: the page and its
  /// downloads. Read from the index once; a language's files are made again only when what
  /// they show changed.
  private func diagnosis(
    city: String, madeOn: Date?, countries: DiagnosisBuilder.CountryCache, to writer: ExportWriter
  ) throws {
    let gathered = try diagnoses.gather(city: city, countries: countries)
    let text = DiagnosisPage(site: site)
    for language in languages {
      let diagnosis = diagnoses.assemble(
        gathered, language: language, now: Date(),
        madeOn: madeOn ?? Date(timeIntervalSince1970: 0))
      let inputs = try Self.digest(
        DiagnosisInputs(renderer: rendererFingerprint, diagnosis: diagnosis))
      // Folder names as written, not percent-encoded (`el/city/αθηνα/diagnosis.md`).
      let listing = Listing.path(.city, city)
      let folder = String(Self.file(language, listing).dropLast("index.html".count))
      let files =
        [Self.file(language, listing + "diagnosis/")]
        + Listing.diagnosisDownloads.map { folder + "diagnosis.\($0)" }
      if files.allSatisfy({ writer.reuse($0, inputs: inputs) }) { continue }
      let words = DiagnosisText(strings: site.strings(language), baseURL: baseURL)
      try writer.put(
        files[0],
        try site.render(
          text.content(diagnosis, downloads: true), language: language,
          path: Listing.path(.city, city) + "diagnosis/", exported: true), inputs: inputs)
      try writer.put(files[1], words.markdown(diagnosis), inputs: inputs)
      try writer.put(files[2], words.csv(diagnosis), inputs: inputs)
      try writer.put(files[3], try DiagnosisText.json(diagnosis), inputs: inputs)
    }
  }

  private struct DiagnosisInputs: Encodable {
    var renderer: String
    var diagnosis: Diagnosis
  }

  /// The listings that have an Atom feed of their newest entries, besides the whole directory's.
  static let feedFacets: [Facet] = [.country, .city, .theme]

  /// Atom feeds of the newest entries: the directory's (`/sv/feed.atom`) and each country's,
  /// city's and theme's (`/sv/city/goteborg/feed.atom`). Feeds need absolute addresses, so
  /// they come with `--base-url`.
  private func feeds(
    _ listings: [ListingPage], languages: [String], base: String, to writer: ExportWriter
  ) throws {
    for language in languages {
      let name = site.strings(language)["siteName"] ?? "Drom"
      func feed(_ facet: Facet?, _ values: [String], address: String, title: String) throws {
        var parameters = SearchParameters()
        parameters.sort = .newest
        if let facet { parameters.filters[facet] = values }
        let results = try database.search(
          parameters.query(readerLanguage: language), highlight: ("", ""))
        let page = "/\(language)" + address
        try writer.put(
          Self.file(language, address).replacingOccurrences(of: "index.html", with: "feed.atom"),
          AtomOfResults.render(
            results, language: language, title: title, selfURL: base + page + "feed.atom",
            pageURL: base + page, base: base))
      }
      try feed(nil, [], address: "/", title: name)
      for listing in listings {
        guard let facet = listing.facet, Self.feedFacets.contains(facet) else { continue }
        try feed(
          facet, listing.values, address: listing.address,
          title: "\(name): \(pages.label(facet, listing.values[0], language: language))")
      }
    }
  }

  /// What an entry's page is made of besides the renderer: the entry, its partner, the other
  /// partners publishing it, its translations.
  private func fingerprint(_ stored: StoredEntry) throws -> String {
    struct Inputs: Encodable {
      var renderer: String
      var entry: Entry
      var partner: SourceDescription
      var also: [String]
      var translations: [StoredEntry.Translation]
      var lastChanged: Date
    }
    return try Self.digest(
      Inputs(
        renderer: rendererFingerprint, entry: stored.entry, partner: stored.source,
        also: stored.alsoPublishedBy, translations: stored.translations,
        lastChanged: stored.lastChanged))
  }

  /// What a listing page is made of besides the renderer: its hits and their total (not the
  /// facet counts, which the export's listings do not show), and whether it has a feed.
  private func fingerprint(_ results: SearchResults, listing: ListingPage) throws -> String {
    struct Inputs: Encodable {
      var renderer: String
      var feed: Bool
      var total: Int
      var hits: [SearchHit]
    }
    let feed = baseURL != nil && listing.facet.map(Self.feedFacets.contains) == true
    return try Self.digest(
      Inputs(renderer: rendererFingerprint, feed: feed, total: results.total, hits: results.hits))
  }

  /// A page's inputs as one hash: their JSON with sorted keys, through SHA-256.
  private static func digest(_ inputs: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    encoder.dateEncodingStrategy = .secondsSince1970
    return Hex.lowercase(SHA256.hash(data: try encoder.encode(inputs)))
  }

  /// One page of one listing: a facet and the values that share its slug, or no facet for
  /// the search folder's list of everything; a page number.
  struct ListingPage {
    var facet: Facet?
    var values: [String]
    var page: Int

    /// The address within a language.
    var address: String {
      guard let facet else { return "/search/" + (page > 1 ? "\(page)/" : "") }
      return Listing.path(facet, values[0], page: page)
    }
  }

  /// Every listing page, from the index's facet counts: a slug's values together, as many
  /// pages as their entries fill.
  func listingPages() throws -> [ListingPage] {
    let counts = try database.facetCounts()
    func pageCount(_ total: Int) -> Int {
      max(1, (total + SearchParameters.pageSize - 1) / SearchParameters.pageSize)
    }
    // Listings show an entry's translations and copies as one hit: count as they do.
    let everything = try database.search(SearchParameters().query(readerLanguage: nil)).total
    var listings = (1...pageCount(everything)).map {
      ListingPage(facet: nil, values: [], page: $0)
    }
    for facet in Listing.facets {
      let bySlug = Dictionary(grouping: counts[facet] ?? []) { Listing.slug($0.value) }
      // The most used values have listings, at most `maxListingsPerFacet` of them: a feed
      // inventing thousands of cities must not make thousands of pages in every language.
      let listed = bySlug.map { ($0.key, $0.value.reduce(0) { $0 + $1.count }) }
        .sorted { ($1.1, $0.0) < ($0.1, $1.0) }.prefix(Self.maxListingsPerFacet).map(\.0)
      for slug in listed.sorted() {
        let group = bySlug[slug]!.sorted { ($0.count, $1.value) > ($1.count, $0.value) }
        var parameters = SearchParameters()
        parameters.filters[facet] = group.map(\.value)
        let total = try database.search(parameters.query(readerLanguage: nil)).total
        for page in 1...pageCount(total) {
          listings.append(ListingPage(facet: facet, values: group.map(\.value), page: page))
        }
      }
    }
    return listings
  }

  /// The file a page's address is served from: `/sv/city/goteborg/2/` →
  /// `sv/city/goteborg/2/index.html` (a static host serves a folder's `index.html`).
  static func file(_ language: String, _ address: String) -> String {
    let decoded = address.removingPercentEncoding ?? address
    let trimmed = decoded.hasSuffix("/") ? String(decoded.dropLast()) : decoded
    return language + trimmed + "/index.html"
  }

  /// `/`: a static host cannot read `Accept-Language`, so the root names every language and
  /// goes on to English.
  func rootPage(_ languages: [String]) -> String {
    let links = languages.map { language in
      let name = site.strings(language)["languageName"] ?? language
      return
        "<li><a href=\"/\(language)/\" hreflang=\"\(language)\" lang=\"\(language)\">\(XMLText.escape(name))</a></li>"
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="refresh" content="0; url=/en/">
      <title>Drom</title>
      <link rel="stylesheet" href="\(site.stylesheetPath)">
      </head>
      <body>
      <main id="content">
      <h1>Drom</h1>
      <ul>
      \(links.joined(separator: "\n"))
      </ul>
      </main>
      </body>
      </html>

      """
  }
}

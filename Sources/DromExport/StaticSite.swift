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
public struct StaticSite: Sendable {
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
  /// Pages are made on every core. Before making one, the export fingerprints what it would
  /// be made of (read from the index without decoding entries) and keeps the last export's
  /// copy while that is the same.
  public func export(to writer: ExportWriter, progress: @escaping (Int, Int) -> Void = { _, _ in })
    throws
  {
    let inputs = try database.pageInputs()
    let listings = try listingPages()
    let groups = Self.groups(listings)
    let pagesPerLanguage = 1 + inputs.entries.count + listings.count + 2 + Documents.published.count
    let done = ProgressCounter(total: pagesPerLanguage * languages.count, report: progress)
    // Within a language, for the sitemap: home, entries, listings, the rest.
    var addresses = ["/"] + inputs.entries.map { "/entry/\($0.slug)" } + listings.map(\.address)
    func page(_ address: String, inputs: String? = nil, _ html: (String) throws -> String) throws {
      for language in languages {
        let path = Self.file(language, address)
        if let inputs, writer.reuse(path, inputs: inputs) { continue }
        try writer.put(path, try html(language), inputs: inputs)
      }
      done.add(languages.count)
    }

    try writer.put(String(site.stylesheetPath.dropFirst()), site.stylesheet)
    try writer.put(String(site.searchScriptPath.dropFirst()), site.searchScript)
    let overview = try database.overview()
    let overviewJSON = try Self.sortedJSON(overview)
    for language in languages {
      // The home page shows the overview and the eight newest entries.
      let ranked = try database.listing(filters: [:], readerLanguage: language, sort: .newest)
      let latest = ranked.prefix(8)
      let fingerprint = Fingerprint.of(
        [rendererFingerprint, baseURL ?? "", overviewJSON, String(ranked.count)]
          + latest.map { "\($0) \(inputs.hit($0) ?? "")" })
      let path = Self.file(language, "/")
      if writer.reuse(path, inputs: fingerprint) { continue }
      var home = pages.home(
        overview: overview, latest: try database.listingPage(latest, total: ranked.count),
        language: language)
      if baseURL != nil { home.feedURL = "/\(language)/feed.atom" }
      try writer.put(
        path, try site.render(home, language: language, path: "/", exported: true),
        inputs: fingerprint)
    }
    done.add(languages.count)
    try entryPages(inputs, to: writer, done: done)
    try downloads(inputs, to: writer)
    try listingPages(groups, inputs: inputs, to: writer, done: done)
    let cities = listings.filter { $0.facet == .city && $0.page == 1 }.map { $0.values[0] }
    let countries = DiagnosisBuilder.CountryCache()
    try inParallel(cities.count) { index in
      try diagnosis(
        city: cities[index], madeOn: overview.lastHarvest, countries: countries, to: writer)
    }
    let sources = try database.sources()
    let counts = try database.entryCounts()
    let latestRecords = try database.latestHarvests()
    let sourcesInputs = Fingerprint.of(
      [
        rendererFingerprint, "\(sources)", "\(counts.sorted { $0.key < $1.key })",
        try Self.sortedJSON(latestRecords),
      ])
    try page("/sources", inputs: sourcesInputs) { language in
      try site.render(
        pages.sources(sources, entries: counts, latest: latestRecords, language: language),
        language: language, path: "/sources", exported: true)
    }
    // The about page and the documents are the renderer's own (docs/ is part of it).
    try page("/about", inputs: rendererFingerprint) { language in
      try site.render(
        pages.about(language: language), language: language, path: "/about", exported: true)
    }
    addresses += ["/sources", "/about"]
    for name in Documents.published {
      guard let document = documents.pages[name] else { continue }
      addresses.append("/\(name)")
      try page("/\(name)", inputs: rendererFingerprint) { language in
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
    try writer.put("registry.opml", Downloads.opml(sources))
    if let baseURL {
      let sitemapInputs = Fingerprint.of([baseURL] + languages + addresses)
      let names = Sitemap.names(addresses.count, languages: languages.count)
      if !names.allSatisfy({ writer.reuse($0, inputs: sitemapInputs) }) {
        for (path, xml) in Sitemap.files(addresses, languages: languages, base: baseURL) {
          try writer.put(path, xml, inputs: sitemapInputs)
        }
      }
      try feeds(groups, inputs: inputs, base: baseURL, to: writer)
    }
  }

  /// Every entry's page in every language; an entry is read from the index only when a page of
  /// it must be made.
  private func entryPages(_ inputs: PageInputs, to writer: ExportWriter, done: ProgressCounter)
    throws
  {
    try inParallel(inputs.entries.count) { index in
      let entry = inputs.entries[index]
      let address = "/entry/\(entry.slug)"
      let fingerprint = rendererFingerprint + entry.page
      let stale = languages.filter { !writer.reuse(Self.file($0, address), inputs: fingerprint) }
      if !stale.isEmpty, let stored = try database.entry(slug: entry.slug) {
        for language in stale {
          try writer.put(
            Self.file(language, address),
            try site.render(
              pages.entry(stored, language: language), language: language, path: address,
              exported: true), inputs: fingerprint)
        }
      }
      done.add(languages.count)
    }
  }

  /// `directory.csv` and `directory.json`: every entry, so made again whenever any entry's
  /// page changed (or one came or went).
  private func downloads(_ inputs: PageInputs, to writer: ExportWriter) throws {
    let fingerprint = Fingerprint.of(
      [rendererFingerprint, baseURL ?? ""] + inputs.entries.map(\.page))
    let files = ["directory.csv", "directory.json"]
    if files.allSatisfy({ writer.reuse($0, inputs: fingerprint) }) { return }
    let rows = RowsInOrder<Downloads.Row>(count: inputs.entries.count)
    try inParallel(inputs.entries.count) { index in
      let slug = inputs.entries[index].slug
      guard let stored = try database.entry(slug: slug) else { return }
      rows.set(index, Downloads.row(stored, page: (baseURL ?? "") + "/en/entry/\(slug)"))
    }
    let downloads = Downloads(rows: rows.values)
    try writer.put(files[0], downloads.csv(), inputs: fingerprint)
    try writer.put(files[1], try downloads.json(), inputs: fingerprint)
  }

  /// Every page of every listing in every language. A listing is ranked once per language;
  /// a page is made again only when the hits it shows, their order or the total changed.
  private func listingPages(
    _ groups: [ListingGroup], inputs: PageInputs, to writer: ExportWriter, done: ProgressCounter
  ) throws {
    let work = groups.flatMap { group in languages.map { (group, $0) } }
    try inParallel(work.count) { index in
      let (group, language) = work[index]
      let ranked = try database.listing(filters: group.filters, readerLanguage: language)
      let feed = baseURL != nil && group.facet.map(Self.feedFacets.contains) == true
      for page in 1...group.pages {
        let slice = ranked.dropFirst((page - 1) * SearchParameters.pageSize)
          .prefix(SearchParameters.pageSize)
        let listing = ListingPage(facet: group.facet, values: group.values, page: page)
        let path = Self.file(language, listing.address)
        let fingerprint = Fingerprint.of(
          [rendererFingerprint, feed ? "feed" : "", String(ranked.count)]
            + slice.map { "\($0) \(inputs.hit($0) ?? "")" })
        if writer.reuse(path, inputs: fingerprint) { continue }
        var parameters = SearchParameters()
        parameters.page = page
        parameters.filters = group.filters
        var heading: String?
        var facetListing: (facet: Facet, value: String)?
        if let facet = group.facet {
          heading = pages.label(facet, group.values[0], language: language)
          facetListing = (facet, group.values[0])
        }
        let results = try database.listingPage(slice, total: ranked.count)
        var content = pages.search(
          parameters, results: results, language: language, heading: heading,
          listing: facetListing)
        if feed, let facet = group.facet {
          content.feedURL = Listing.path(facet, group.values[0], language: language) + "feed.atom"
        }
        try writer.put(
          path,
          try site.render(content, language: language, path: listing.address, exported: true),
          inputs: fingerprint)
      }
      done.add(group.pages)
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
    let now = Date()
    let made = madeOn ?? Date(timeIntervalSince1970: 0)
    let common = try diagnoses.fingerprint(gathered, now: now)
    let text = DiagnosisPage(site: site)
    for language in languages {
      let inputs = Fingerprint.of(
        [rendererFingerprint, common, language, String(made.timeIntervalSince1970)])
      // Folder names as written, not percent-encoded (`el/city/αθηνα/diagnosis.md`).
      let listing = Listing.path(.city, city)
      let folder = String(Self.file(language, listing).dropLast("index.html".count))
      let files =
        [Self.file(language, listing + "diagnosis/")]
        + Listing.diagnosisDownloads.map { folder + "diagnosis.\($0)" }
      if files.allSatisfy({ writer.reuse($0, inputs: inputs) }) { continue }
      let diagnosis = diagnoses.assemble(gathered, language: language, now: now, madeOn: made)
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

  /// The listings that have an Atom feed of their newest entries, besides the whole directory's.
  static let feedFacets: [Facet] = [.country, .city, .theme]

  /// Atom feeds of the newest entries: the directory's (`/sv/feed.atom`) and each country's,
  /// city's and theme's (`/sv/city/goteborg/feed.atom`). Feeds need absolute addresses, so
  /// they come with `--base-url`. Like a listing's page, a feed is made again only when its
  /// entries changed.
  private func feeds(
    _ groups: [ListingGroup], inputs: PageInputs, base: String, to writer: ExportWriter
  ) throws {
    let feeds = [nil] + groups.filter { $0.facet.map(Self.feedFacets.contains) == true }
    let work = feeds.flatMap { group in languages.map { (group, $0) } }
    try inParallel(work.count) { index in
      let (group, language) = work[index]
      let name = site.strings(language)["siteName"] ?? "Drom"
      let address = group.map { Listing.path($0.facet!, $0.values[0]) } ?? "/"
      let title =
        group.map { "\(name): \(pages.label($0.facet!, $0.values[0], language: language))" }
        ?? name
      let newest = try database.listing(
        filters: group?.filters ?? [:], readerLanguage: language, sort: .newest
      ).prefix(SearchParameters.pageSize)
      let path = Self.file(language, address).replacingOccurrences(
        of: "index.html", with: "feed.atom")
      let fingerprint = Fingerprint.of(
        [rendererFingerprint, base, title] + newest.map { "\($0) \(inputs.hit($0) ?? "")" })
      if writer.reuse(path, inputs: fingerprint) { return }
      let page = "/\(language)" + address
      try writer.put(
        path,
        AtomOfResults.render(
          try database.listingPage(newest, total: newest.count), language: language,
          title: title, selfURL: base + page + "feed.atom", pageURL: base + page, base: base),
        inputs: fingerprint)
    }
  }

  /// A value's JSON with sorted keys, for fingerprints.
  static func sortedJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    encoder.dateEncodingStrategy = .secondsSince1970
    return String(decoding: try encoder.encode(value), as: UTF8.self)
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

  /// A listing whole: a facet and the values that share its slug (no facet: everything), and
  /// how many pages it fills.
  struct ListingGroup {
    var facet: Facet?
    var values: [String]
    var pages: Int

    var filters: [Facet: [String]] { facet.map { [$0: values] } ?? [:] }
  }

  /// The listings the pages belong to, in the pages' order.
  static func groups(_ listings: [ListingPage]) -> [ListingGroup] {
    var groups: [ListingGroup] = []
    for listing in listings {
      if listing.page > 1, let last = groups.last, last.facet == listing.facet,
        last.values == listing.values
      {
        groups[groups.count - 1].pages = listing.page
      } else {
        groups.append(ListingGroup(facet: listing.facet, values: listing.values, pages: 1))
      }
    }
    return groups
  }

  /// Every listing page, from the index's facet counts: a slug's values together, as many
  /// pages as their entries fill.
  func listingPages() throws -> [ListingPage] {
    let counts = try database.facetCounts()
    func pageCount(_ total: Int) -> Int {
      max(1, (total + SearchParameters.pageSize - 1) / SearchParameters.pageSize)
    }
    // Listings show an entry's translations and copies as one hit: count as they do.
    let everything = try database.listing(filters: [:], readerLanguage: nil).count
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
        let total = try database.listing(
          filters: [facet: group.map(\.value)], readerLanguage: nil
        ).count
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
      <meta http-equiv="Content-Security-Policy" content="\(Site.exportPolicy)">
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

import DromSite
import DromStore
import Foundation
import Hummingbird

/// The HTML pages, under a language prefix (`/sv/search`); `/` picks the language from
/// `Accept-Language`.
struct PageRoutes {
  let directory: Directory

  func register(on router: Router<DromRequestContext>) {
    router.get("/") { request, _ in
      Responses.redirect(
        to: "/\(directory.site.negotiate(acceptLanguage: request.headers[.acceptLanguage]))/")
    }
    router.get("/assets/:file") { request, context in
      let file = try context.parameters.require("file")
      guard "/assets/" + file == directory.site.stylesheetPath else {
        throw DirectoryError(
          status: .notFound, code: "not-found", message: "there is no asset \(file)")
      }
      return Responses.make(
        directory.site.stylesheet, type: "text/css; charset=utf-8", request: request,
        cache: "public, max-age=31536000, immutable")
    }
    router.get("/:lang/") { request, context in
      let language = try language(context)
      return try await cachedPage(language + "/", request) {
        let overview = try await offCooperativePool { try directory.database.overview() }
        var latest = SearchParameters()
        latest.sort = .newest
        var query = latest.query(readerLanguage: language)
        query.limit = 8
        let results = try await directory.database.search(
          query, vocabulary: directory.vocabulary, cache: directory.cache)
        return try directory.site.render(
          directory.pages.home(overview: overview, latest: results, language: language),
          language: language, path: "/")
      }
    }
    router.get("/:lang/search") { request, context in
      let language = try language(context)
      let parameters = try SearchParameters.read(request)
      let path = "/search?" + parameters.queryString()
      return try await cachedPage(language + path, request) {
        let results = try await directory.database.search(
          parameters.query(readerLanguage: language), vocabulary: directory.vocabulary,
          cache: directory.cache,
          highlight: (Highlight.open, Highlight.close))
        let page = directory.pages.search(parameters, results: results, language: language)
        return try directory.site.render(page, language: language, path: path)
      }
    }
    // A listing per kind, country, city and theme: the search with that filter, under its
    // name, paged by path (`/sv/city/goteborg/2/`) as the static export pages it.
    for facet in Listing.facets {
      for pattern in ["/:lang/\(facet.rawValue)/:value", "/:lang/\(facet.rawValue)/:value/:page"] {
        router.get(RouterPath(pattern)) { request, context in
          try await listing(facet, request, context)
        }
      }
    }
    router.get("/:lang/search.atom") { request, context in
      let language = try language(context)
      let parameters = try SearchParameters.read(request)
      let results = try await directory.database.search(
        parameters.query(readerLanguage: language), vocabulary: directory.vocabulary,
        cache: directory.cache)
      let base = baseURL(request)
      let query = parameters.queryString { $0.page = 1 }
      let name = directory.site.strings(language)["siteName"] ?? "Drom"
      let feed = AtomOfResults.render(
        results, language: language,
        title: name + (parameters.text.isEmpty ? "" : ": " + parameters.text),
        selfURL: "\(base)/\(language)/search.atom?\(query)",
        pageURL: "\(base)/\(language)/search?\(query)", base: base)
      return Responses.make(feed, type: "application/atom+xml; charset=utf-8", request: request)
    }
    router.get("/:lang/entry/:slug") { request, context in
      let language = try language(context)
      let slug = try context.parameters.require("slug")
      guard EntrySlug.isWellFormed(slug),
        let stored = try await offCooperativePool({ try directory.database.entry(slug: slug) })
      else {
        throw DirectoryError(
          status: .notFound, code: "not-found",
          message: "there is no entry \(slug); it may have been withdrawn by its partner")
      }
      return try render(
        directory.pages.entry(stored, language: language), language, "/entry/\(slug)", request)
    }
    router.get("/:lang/sources") { request, context in
      let language = try language(context)
      let (sources, latest, counts) = try await offCooperativePool {
        (
          try directory.database.sources(), try directory.database.latestHarvests(),
          try directory.database.entryCounts()
        )
      }
      let page = directory.pages.sources(
        sources, entries: counts, latest: latest, language: language)
      return try render(page, language, "/sources", request)
    }
    router.get("/:lang/about") { request, context in
      let language = try language(context)
      return try render(directory.pages.about(language: language), language, "/about", request)
    }
    for name in Documents.published {
      router.get("/:lang/\(name)") { request, context in
        let language = try language(context)
        guard let document = directory.documents.pages[name] else {
          throw DirectoryError(
            status: .notFound, code: "not-found", message: "the document \(name) is not installed")
        }
        return try render(
          directory.pages.document(document, language: language), language, "/\(name)", request)
      }
    }
    router.get("/:lang/opensearch.xml") { request, context in
      let language = try language(context)
      let base = baseURL(request)
      let name = directory.site.strings(language)["siteName"] ?? "Drom"
      let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
          <ShortName>\(XMLText.escape(name))</ShortName>
          <Description>\(XMLText.escape(directory.site.strings(language)["tagline"] ?? ""))</Description>
          <InputEncoding>UTF-8</InputEncoding>
          <Language>\(language)</Language>
          <Url type="text/html" template="\(base)/\(language)/search?q={searchTerms}"/>
          <Url type="application/atom+xml" template="\(base)/\(language)/search.atom?q={searchTerms}"/>
          <Url type="application/json" template="\(base)/api/search?q={searchTerms}"/>
        </OpenSearchDescription>
        """
      return Responses.make(xml, type: "application/opensearchdescription+xml", request: request)
    }
  }

  private func listing(_ facet: Facet, _ request: Request, _ context: DromRequestContext)
    async throws -> Response
  {
    let language = try language(context)
    let raw = try context.parameters.require("value")
    let segment = raw.removingPercentEncoding ?? raw
    var parameters = try SearchParameters.read(request)
    if let page = context.parameters.get("page") {
      guard let number = Int(page), (1...10_000).contains(number) else {
        throw DirectoryError(
          status: .notFound, code: "not-found", message: "there is no page \(page) of this list")
      }
      parameters.page = number
    }
    let key =
      "\(language)/\(facet.rawValue)/\(segment)/\(parameters.page)?\(parameters.queryString())"
    return try await cachedPage(key, request) {
      let counts = try await offCooperativePool {
        try directory.database.facetCounts()[facet] ?? []
      }
      let values = Listing.values(for: segment, among: counts)
      parameters.filters[facet] = values
      let results = try await directory.database.search(
        parameters.query(readerLanguage: language), vocabulary: directory.vocabulary,
        cache: directory.cache, highlight: (Highlight.open, Highlight.close))
      let pages = (results.total + SearchParameters.pageSize - 1) / SearchParameters.pageSize
      guard parameters.page <= max(1, pages) else {
        throw DirectoryError(
          status: .notFound, code: "not-found",
          message: "this list has \(pages) pages, not \(parameters.page)")
      }
      let heading = directory.pages.label(facet, values[0], language: language)
      let page = directory.pages.search(
        parameters, results: results, language: language, heading: heading,
        listing: (facet, values[0]))
      return try directory.site.render(
        page, language: language, path: Listing.path(facet, values[0], page: parameters.page))
    }
  }

  private func language(_ context: DromRequestContext) throws -> String {
    let language = try context.parameters.require("lang")
    guard directory.site.supports(language) else {
      throw DirectoryError(
        status: .notFound, code: "not-found", message: "there is no page in '\(language)'")
    }
    return language
  }

  /// A listing page rendered once per state of the index: the same searches come again and
  /// again, and rendering one costs more than answering it from the search cache.
  private func cachedPage(
    _ key: String, _ request: Request, render: () async throws -> String
  ) async throws -> Response {
    let generation = try await directory.database.generation()
    if let html = directory.pageCache.lookup(key, generation: generation) {
      return Responses.html(html, request: request)
    }
    let html = try await render()
    directory.pageCache.store(html, for: key, generation: generation)
    return Responses.html(html, request: request)
  }

  private func render(_ page: PageContent, _ language: String, _ path: String, _ request: Request)
    throws -> Response
  {
    Responses.html(
      try directory.site.render(page, language: language, path: path), request: request)
  }
}

/// The address the client used, for absolute links in feeds and OpenSearch.
func baseURL(_ request: Request) -> String {
  "http://" + (request.head.authority ?? "localhost")
}

extension SearchParameters {
  static func read(_ request: Request) throws -> SearchParameters {
    do { return try SearchParameters(items: request.queryItems) } catch {
      throw DirectoryError(status: .badRequest, code: "bad-parameter", message: error.description)
    }
  }
}

import DromModel
import DromSite
import DromStore
import DromVocabulary
import Foundation
import Hummingbird

/// The JSON API under `/api/`, described by `/api/openapi.json`.
struct APIRoutes {
  let directory: Directory

  struct SearchResponse: Encodable {
    var total: Int
    var page: Int
    var pageSize: Int
    var hits: [SearchHit]
    var facets: [String: [FacetCount]]
  }

  struct EntryResponse: Encodable {
    var slug: String
    var entry: Entry
    var source: SourceDescription
    var firstSeen: Date
    var lastChanged: Date
    var alsoPublishedBy: [String]
    var translations: [StoredEntry.Translation]
  }

  struct ConceptResponse: Encodable {
    var uri: String
    var term: String
    var labels: [String: String]
    var broader: [String]
    var exactMatch: [String]
  }

  func register(on router: Router<DromRequestContext>) {
    router.get("/healthz") { request, _ in
      let overview = try await offCooperativePool { try directory.database.overview() }
      struct Health: Encodable {
        var status: String
        var entries: Int
        var sources: Int
        var lastHarvest: Date?
      }
      var response = try Responses.json(
        Health(
          status: "ok", entries: overview.entries, sources: overview.sources,
          lastHarvest: overview.lastHarvest),
        request: request)
      response.headers[.cacheControl] = "no-store"
      return response
    }
    router.get("/api/search") { request, _ in
      let parameters = try SearchParameters.read(request)
      let results = try await directory.database.search(
        parameters.query(readerLanguage: request.uri.queryParameters["lang"].map(String.init)),
        vocabulary: directory.vocabulary, cache: directory.cache)
      return Responses.make(
        SearchResponseJSON.encode(
          SearchResponse(
            total: results.total, page: parameters.page, pageSize: SearchParameters.pageSize,
            hits: results.hits, facets: results.facets)),
        type: "application/json; charset=utf-8", request: request)
    }
    router.get("/api/search.csv") { request, _ in
      let parameters = try SearchParameters.read(request)
      let results = try await directory.database.search(
        parameters.query(readerLanguage: nil), vocabulary: directory.vocabulary,
        cache: directory.cache, highlight: ("", "")
      )
      var csv = "title,kind,language,source,updated,link,page\r\n"
      for hit in results.hits {
        csv +=
          [
            hit.title, hit.kind, hit.language ?? "", hit.sourceTitle,
            hit.updated.map { ISO8601DateFormatter().string(from: $0) } ?? "", hit.link ?? "",
            "/en/entry/\(hit.slug)",
          ]
          .map(CSV.field).joined(separator: ",") + "\r\n"
      }
      var response = Responses.make(csv, type: "text/csv; charset=utf-8", request: request)
      response.headers[.contentDisposition] = "attachment; filename=\"drom-search.csv\""
      return response
    }
    router.get("/api/entries/:slug") { request, context in
      let slug = try context.parameters.require("slug")
      guard EntrySlug.isWellFormed(slug),
        let stored = try await offCooperativePool({ try directory.database.entry(slug: slug) })
      else {
        throw DirectoryError(
          status: .notFound, code: "not-found", message: "there is no entry \(slug)")
      }
      return try Responses.json(
        EntryResponse(
          slug: stored.slug, entry: stored.entry, source: stored.source,
          firstSeen: stored.firstSeen,
          lastChanged: stored.lastChanged, alsoPublishedBy: stored.alsoPublishedBy,
          translations: stored.translations),
        request: request)
    }
    router.get("/api/sources") { request, _ in
      let (counts, sources) = try await offCooperativePool {
        (try directory.database.entryCounts(), try directory.database.sources())
      }
      return try Responses.json(
        sources.map { SourceHealth(state: $0, entries: counts[$0.id] ?? 0) }, request: request)
    }
    router.get("/api/vocabularies") { request, _ in
      var schemes: [String: [ConceptResponse]] = [:]
      for concept in directory.vocabulary.concepts.values.sorted(by: { $0.uri < $1.uri }) {
        schemes[concept.scheme, default: []].append(
          ConceptResponse(
            uri: concept.uri, term: concept.term, labels: concept.prefLabels,
            broader: concept.broader, exactMatch: concept.exactMatch))
      }
      return try Responses.json(schemes, request: request)
    }
    router.get("/api/openapi.json") { request, _ in
      Responses.make(
        OpenAPIDocument.json, type: "application/json; charset=utf-8", request: request)
    }
  }
}

import DromReports
import DromSite
import DromStore
import Foundation
import Hummingbird

/// A city's local diagnosis beside its listing: the page (`/sv/city/goteborg/diagnosis/`) and
/// its downloads (`diagnosis.md`, `.csv`, `.json`), made once per state of the index.
struct DiagnosisRoutes {
  let directory: Directory

  func register(on router: Router<DromRequestContext>) {
    router.get("/:lang/city/:value/diagnosis") { request, context in
      try await respond(request, context, format: nil)
    }
    for format in Listing.diagnosisDownloads {
      router.get(RouterPath("/:lang/city/:value/diagnosis.\(format)")) { request, context in
        try await respond(request, context, format: format)
      }
    }
  }

  private func respond(_ request: Request, _ context: DromRequestContext, format: String?)
    async throws -> Response
  {
    let language = try context.parameters.require("lang")
    guard directory.site.supports(language) else {
      throw DirectoryError(
        status: .notFound, code: "not-found", message: "there is no page in '\(language)'")
    }
    let raw = try context.parameters.require("value")
    let segment = raw.removingPercentEncoding ?? raw
    let key = "\(language)/city/\(segment)/diagnosis.\(format ?? "html")"
    let generation = try await directory.database.generation()
    let body: String
    if let cached = directory.pageCache.lookup(key, generation: generation) {
      body = cached
    } else {
      let cities = try await offCooperativePool {
        try directory.database.facetCounts()[.city] ?? []
      }
      guard let city = Listing.values(for: segment, among: cities).first,
        cities.contains(where: { $0.value == city })
      else {
        throw DirectoryError(
          status: .notFound, code: "not-found",
          message: "no entries name the city '\(segment)', so it has no local diagnosis")
      }
      let diagnosis = try await offCooperativePool {
        try DiagnosisBuilder(database: directory.database, vocabulary: directory.vocabulary)
          .build(city: city, language: language)
      }
      let text = DiagnosisText(strings: directory.site.strings(language), baseURL: baseURL(request))
      switch format {
      case "md": body = text.markdown(diagnosis)
      case "csv": body = text.csv(diagnosis)
      case "json": body = String(decoding: try DiagnosisText.json(diagnosis), as: UTF8.self)
      default:
        body = try directory.site.render(
          DiagnosisPage(site: directory.site).content(diagnosis, downloads: true),
          language: language, path: Listing.path(.city, city) + "diagnosis/")
      }
      directory.pageCache.store(body, for: key, generation: generation)
    }
    guard let format else { return Responses.html(body, request: request) }
    let types = [
      "md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8",
      "json": "application/json; charset=utf-8",
    ]
    var response = Responses.make(body, type: types[format]!, request: request)
    response.headers[.contentDisposition] =
      "attachment; filename=\"diagnosis.\(format)\""
    return response
  }
}

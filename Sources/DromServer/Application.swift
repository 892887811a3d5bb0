import DromModel
import DromSite
import DromStore
import DromVocabulary
import Foundation
import Hummingbird
import Logging

/// Where and how `drom serve` listens.
public struct ServerConfiguration: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  /// Where the feed profile and the diagnostics reference are read from (Markdown).
  public var documents = "docs"
  /// Searches a client may ask for per second (`.off`: any number).
  public var searchRate = SearchRateLimit()

  public init(
    host: String = "127.0.0.1", port: Int = 8080, documents: String = "docs",
    searchRate: SearchRateLimit = SearchRateLimit()
  ) {
    self.host = host
    self.port = port
    self.documents = documents
    self.searchRate = searchRate
  }
}

/// Everything a request handler reads: the index, the site and the vocabularies.
struct Directory: Sendable {
  let database: DromDatabase
  let site: Site
  let pages: Pages
  let vocabulary: Vocabulary
  let documents: Documents
  let cache = SearchCache()
  /// Rendered listing pages (home, searches, cities, countries, themes) by language and address.
  let pageCache = GenerationCache<String>(capacity: 256)
}

/// Builds the web directory (HTML pages, JSON API, feeds) as a Hummingbird application, apart
/// from `main` so tests run it in process.
public func buildApplication(
  database: DromDatabase, site: Site, vocabulary: Vocabulary,
  configuration: ServerConfiguration = .init(), logger: Logger,
  onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
  let directory = Directory(
    database: database, site: site, pages: Pages(site: site, vocabulary: vocabulary),
    vocabulary: vocabulary, documents: Documents.load(directory: configuration.documents))
  let metrics = DirectoryMetrics()
  let router = Router(context: DromRequestContext.self)
  router.add(middleware: AccessLogMiddleware(logger: logger))
  router.add(middleware: MetricsMiddleware(metrics: metrics))
  // Security headers wrap the error handler, so error pages carry them too.
  router.add(middleware: SecurityHeadersMiddleware())
  router.add(middleware: ErrorMiddleware(site: site, pages: directory.pages, logger: logger))
  router.add(middleware: SearchRateLimitMiddleware(limit: configuration.searchRate))
  router.add(middleware: LanguageRedirectMiddleware(site: site))
  DiagnosisRoutes(directory: directory).register(on: router)
  VisitRoutes(directory: directory).register(on: router)
  PageRoutes(directory: directory).register(on: router)
  APIRoutes(directory: directory).register(on: router)
  router.get("/favicon.ico") { _, _ in
    Response(status: .noContent, headers: [.cacheControl: "public, max-age=86400"])
  }
  router.get("/metrics") { _, _ in
    Response(
      status: .ok,
      headers: [
        .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store",
      ],
      body: .init(byteBuffer: ByteBuffer(string: try metrics.exposition(database: database))))
  }
  return Application(
    router: HeadAsGet(router: router),
    configuration: .init(
      address: .hostname(configuration.host, port: configuration.port), serverName: "Drom"),
    onServerRunning: { channel in
      await onListening(channel.localAddress?.port ?? configuration.port)
    },
    logger: logger)
}

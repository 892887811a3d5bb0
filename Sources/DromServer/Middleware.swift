import DromSite
import DromStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Security headers on every response: a Content-Security-Policy that allows no script at all
/// (Drom's pages need none), no MIME sniffing, no framing, no referrer leaks to partners' sites.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
  static var policy: String {
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
  }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var response = try await next(request, context)
    response.headers[.contentSecurityPolicy] = Self.policy
    response.headers[.xContentTypeOptions] = "nosniff"
    response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    response.headers[HTTPField.Name("Referrer-Policy")!] = "strict-origin-when-cross-origin"
    return response
  }
}

/// One line per request: method, path, status, time taken, as structured log metadata.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
  let logger: Logger

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let start = ContinuousClock.now
    var status = 500
    defer {
      let elapsed = ContinuousClock.now - start
      logger.info(
        "request",
        metadata: [
          "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status)",
          "ms":
            "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
        ])
    }
    let response = try await next(request, context)
    status = Int(response.status.code)
    return response
  }
}

/// A failure the client caused or can act on: shown as the API's error shape or an error page.
struct DirectoryError: Error {
  var status: HTTPResponse.Status
  var code: String
  var message: String
  /// Seconds a client should wait before asking again (429): sent as `Retry-After`.
  var retryAfter: Int? = nil
}

/// The one error shape of the API: `{"error": {"status": 400, "code": "…", "message": "…"}}`.
struct ErrorBody: Encodable {
  struct Detail: Encodable {
    var status: Int
    var code: String
    var message: String
  }

  var error: Detail
}

/// Turns every error into the API's error shape under `/api/` and an error page elsewhere;
/// anything unexpected is a 500 that reveals nothing but is logged in full.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  let site: Site
  let pages: Pages
  let logger: Logger

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as DirectoryError {
      return try respond(error, to: request)
    } catch let error as HTTPError where error.status == .notFound {
      return try respond(
        DirectoryError(
          status: .notFound, code: "not-found", message: "there is nothing at \(request.uri.path)"),
        to: request)
    } catch let error as HTTPError {
      return try respond(
        DirectoryError(
          status: error.status, code: "http", message: error.body ?? error.status.reasonPhrase),
        to: request)
    } catch let error as SearchError {
      return try respond(
        DirectoryError(status: .badRequest, code: "bad-pattern", message: error.description),
        to: request)
    } catch {
      logger.error(
        "request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
      return try respond(
        DirectoryError(
          status: .internalServerError, code: "internal",
          message: "something went wrong on the server; it has been logged"), to: request)
    }
  }

  private func respond(_ error: DirectoryError, to request: Request) throws -> Response {
    var response = try body(error, to: request)
    if let seconds = error.retryAfter {
      response.headers[HTTPField.Name("Retry-After")!] = String(seconds)
    }
    return response
  }

  private func body(_ error: DirectoryError, to request: Request) throws -> Response {
    if request.uri.path.hasPrefix("/api/") || request.uri.path == "/healthz" {
      return try Responses.json(
        ErrorBody(
          error: .init(status: Int(error.status.code), code: error.code, message: error.message)),
        request: request, status: error.status)
    }
    let segments = request.uri.path.split(separator: "/")
    let language =
      segments.first.map(String.init).flatMap { site.supports($0) ? $0 : nil }
      ?? site.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    let page = pages.error(
      status: Int(error.status.code), message: error.message, language: language)
    let html = try site.render(page, language: language, path: "/")
    return Responses.html(html, request: request, status: error.status)
  }
}

/// HEAD is answered like GET without the body (RFC 9110 §9.3.2), for every page and document:
/// the router only knows GET routes, so HEAD is turned into GET before it routes.
struct HeadAsGet<Builder: HTTPResponderBuilder>: HTTPResponderBuilder
where Builder.Responder.Context == DromRequestContext {
  let router: Builder

  func buildResponder() -> CallbackResponder<DromRequestContext> {
    let inner = router.buildResponder()
    return CallbackResponder { request, context in
      guard request.method == .head else {
        return try await inner.respond(to: request, context: context)
      }
      var head = request.head
      head.method = .get
      let response = try await inner.respond(
        to: Request(head: head, body: request.body), context: context)
      return Response(status: response.status, headers: response.headers)
    }
  }
}

/// Pages live under a language prefix (`/sv/search`). A page asked for without one — `/search`,
/// `/entry/…`, a link shared with its prefix cut off — is sent to the reader's language, as `/`
/// is; the API, assets and the machine endpoints have no language.
struct LanguageRedirectMiddleware<Context: RequestContext>: RouterMiddleware {
  let site: Site
  static var withoutLanguage: Set<Substring> {
    ["api", "assets", "healthz", "metrics", "favicon.ico"]
  }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let path = request.uri.path
    guard request.method == .get || request.method == .head,
      let first = path.split(separator: "/").first,
      !site.supports(String(first)), !Self.withoutLanguage.contains(first)
    else { return try await next(request, context) }
    let language = site.negotiate(acceptLanguage: request.headers[.acceptLanguage])
    return Responses.redirect(to: "/\(language)\(path)\(request.uri.query.map { "?" + $0 } ?? "")")
  }
}

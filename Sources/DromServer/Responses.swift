import Crypto
import DromStore
import Foundation
import HTTPTypes
import Hummingbird

/// Responses with the headers every page and document carries: type, an ETag from the body,
/// and caching; a request whose `If-None-Match` matches gets a bodiless 304.
enum Responses {
  static func make(
    _ body: String, type: String, request: Request, status: HTTPResponse.Status = .ok,
    cache: String = "public, max-age=60"
  ) -> Response {
    make(Data(body.utf8), type: type, request: request, status: status, cache: cache)
  }

  static func make(
    _ body: Data, type: String, request: Request, status: HTTPResponse.Status = .ok,
    cache: String = "public, max-age=60"
  ) -> Response {
    var headers: HTTPFields = [.contentType: type]
    guard status == .ok else {
      headers[.cacheControl] = "no-store"
      return Response(
        status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
    let etag = "\"" + Hex.lowercase(SHA256.hash(data: body).prefix(12)) + "\""
    headers[.eTag] = etag
    headers[.cacheControl] = cache
    headers[.vary] = "Accept-Language"
    if let match = request.headers[.ifNoneMatch],
      match.split(separator: ",").contains(where: {
        $0.trimmingCharacters(in: .whitespaces) == etag
      })
    {
      return Response(status: .notModified, headers: headers)
    }
    if body.count >= Compression.threshold, Compression.accepts(request),
      let compressed = Compression.gzip(body)
    {
      headers[.contentEncoding] = "gzip"
      headers[.vary] = "Accept-Language, Accept-Encoding"
      return Response(status: status, headers: headers, body: .init(byteBuffer: compressed))
    }
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }

  static func html(_ body: String, request: Request, status: HTTPResponse.Status = .ok) -> Response
  {
    make(body, type: "text/html; charset=utf-8", request: request, status: status)
  }

  static func json(_ value: some Encodable, request: Request, status: HTTPResponse.Status = .ok)
    throws -> Response
  {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return make(
      try encoder.encode(value), type: "application/json; charset=utf-8", request: request,
      status: status)
  }

  static func redirect(to location: String) -> Response {
    Response(
      status: .found,
      headers: [.location: location, .vary: "Accept-Language", .cacheControl: "no-store"])
  }
}

/// The query's items in order, as (name, value), percent-decoded.
extension Request {
  var queryItems: [(String, String)] {
    uri.queryParameters.map { (String($0.key), String($0.value)) }
  }

}

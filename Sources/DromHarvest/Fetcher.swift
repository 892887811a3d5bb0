import AsyncHTTPClient
import Crypto
import DromStore
import Foundation
import NIOCore
import NIOHTTP1

/// Why a fetch failed, in words an operator can act on.
public enum FetchError: Error, CustomStringConvertible, Sendable {
  case network(String)
  case http(status: Int)
  case tooLarge(limit: Int)
  case tooManyRedirects(limit: Int)
  case refusedAddress(String)
  case timeout(seconds: Int, bytesReceived: Int)

  public var description: String {
    switch self {
    case .network(let reason): reason
    case .http(let status): "the server answered HTTP \(status)"
    case .tooLarge(let limit): "the feed is larger than \(limit) bytes; the download was stopped"
    case .tooManyRedirects(let limit): "more than \(limit) redirects"
    case .refusedAddress(let reason): reason
    case .timeout(let seconds, let bytes):
      "no complete answer within \(seconds) s (\(bytes) bytes of the body had arrived); the download was stopped"
    }
  }

  var httpStatus: Int? {
    if case .http(let status) = self { return status }
    return nil
  }
}

/// What a fetch brought back.
public enum FetchResult: Sendable {
  /// 304, or a body identical to the last one: the source has not changed.
  case notModified(status: Int?, memory: FetchMemory)
  case body(Data, status: Int?, charset: String?, finalURL: String, memory: FetchMemory)
}

/// Limits and manners of the fetcher.
public struct FetchPolicy: Sendable {
  public var maxBytes = 32 << 20
  public var maxRedirects = 5
  public var connectTimeout = 10
  public var responseTimeout = 60
  /// How host names become addresses for the address guard (tests give a stub).
  public var resolver: @Sendable (String) throws -> [String] = AddressGuard.resolve
  public var userAgent =
    "Drom/\(DromHarvestVersion.current) (+https://w3id.org/drom; feed harvester)"

  public init() {}
}

public enum DromHarvestVersion {
  public static let current = "0.1.0"
}

/// Fetches feeds over HTTP(S) or from files, politely: conditional GET with the validators the
/// server sent, a body hash so an unchanged feed costs nothing, compression, bounded redirects
/// (permanent ones remembered), timeouts, a size limit and the address guard.
public final class Fetcher: Sendable {
  let guarded: PinnedClients
  public let policy: FetchPolicy

  public init(policy: FetchPolicy = FetchPolicy()) {
    self.policy = policy
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(
        connect: .seconds(Int64(policy.connectTimeout)),
        read: .seconds(Int64(policy.responseTimeout))),
      decompression: .enabled(limit: .ratio(100)))
    configuration.httpVersion = .automatic
    guarded = PinnedClients(configuration: configuration, resolver: policy.resolver)
  }

  public func shutdown() async throws {
    try await guarded.shutdown()
  }

  public func fetch(_ source: SourceState) async throws -> FetchResult {
    let url = source.fetchURL
    if url.hasPrefix("file:") {
      return try readFile(url, previousHash: source.bodyHash)
    }
    return try await fetchHTTP(
      url, etag: source.etag, lastModified: source.lastModified, previousHash: source.bodyHash,
      allowPrivate: source.description.allowPrivateAddress)
  }

  func readFile(_ url: String, previousHash: String?) throws -> FetchResult {
    guard let path = URL(string: url)?.path else {
      throw FetchError.network("'\(url)' is not a file address")
    }
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
      throw FetchError.network("cannot read the file \(path)")
    }
    if let size = attributes[.size] as? Int, size > policy.maxBytes {
      throw FetchError.tooLarge(limit: policy.maxBytes)
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let hash = Self.hash(data)
    let memory = FetchMemory(bodyHash: hash)
    if hash == previousHash { return .notModified(status: nil, memory: memory) }
    return .body(data, status: nil, charset: nil, finalURL: url, memory: memory)
  }

  private func fetchHTTP(
    _ start: String, etag: String?, lastModified: String?, previousHash: String?, allowPrivate: Bool
  ) async throws -> FetchResult {
    // One deadline for the whole fetch, every hop's head and the body together: the client's
    // own timeouts bound the wait for a head and the gap between two reads, so a server
    // trickling a byte a second would otherwise hold a worker without end.
    let received = ReceivedBytes()
    return try await withDeadline(seconds: policy.responseTimeout, received: received) {
      try await self.followRedirects(
        start, etag: etag, lastModified: lastModified, previousHash: previousHash,
        allowance: allowPrivate ? .privateToo : .publicOnly, received: received)
    }
  }

  private func followRedirects(
    _ start: String, etag: String?, lastModified: String?, previousHash: String?,
    allowance: AddressGuard.Allowance, received: ReceivedBytes
  ) async throws -> FetchResult {
    var url = start
    var permanent: String?
    var allPermanent = true
    var previousScheme: String?
    for _ in 0...policy.maxRedirects {
      // Every hop is checked by the same rules as the first, whatever the allowance.
      let (host, scheme) = try Self.checkedHop(url, afterScheme: previousScheme)
      previousScheme = scheme
      let client: HTTPClient
      do {
        client = try await guarded.client(for: host, allowance: allowance)
      } catch let refusal as AddressGuard.Refusal {
        throw FetchError.refusedAddress(refusal.description)
      }
      var request = HTTPClientRequest(url: url)
      request.headers.add(name: "User-Agent", value: policy.userAgent)
      request.headers.add(
        name: "Accept",
        value:
          "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.8, application/json;q=0.8, */*;q=0.1"
      )
      request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
      // Only validators the server itself sent are sent back (never invented ones).
      if let etag { request.headers.add(name: "If-None-Match", value: etag) }
      if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
      let response: HTTPClientResponse
      do {
        response = try await client.execute(
          request, timeout: .seconds(Int64(policy.responseTimeout)))
      } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
      {
        throw FetchError.timeout(seconds: policy.responseTimeout, bytesReceived: received.count)
      } catch {
        throw FetchError.network("cannot fetch \(url): \(error)")
      }
      let status = Int(response.status.code)
      if [301, 302, 303, 307, 308].contains(status),
        let location = response.headers.first(name: "Location")
      {
        guard let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString else {
          throw FetchError.network("the redirect to '\(location)' is not an address")
        }
        allPermanent = allPermanent && (status == 301 || status == 308)
        if allPermanent { permanent = next }
        url = next
        continue
      }
      let memory = FetchMemory(
        etag: response.headers.first(name: "ETag") ?? etag,
        lastModified: response.headers.first(name: "Last-Modified") ?? lastModified,
        bodyHash: previousHash, permanentURL: permanent)
      if status == 304 { return .notModified(status: 304, memory: memory) }
      guard (200..<300).contains(status) else { throw FetchError.http(status: status) }
      if let length = response.headers.first(name: "Content-Length").flatMap(Int.init),
        length > policy.maxBytes
      {
        throw FetchError.tooLarge(limit: policy.maxBytes)
      }
      var body = Data()
      do {
        for try await buffer in response.body {
          body.append(contentsOf: buffer.readableBytesView)
          received.count = body.count
          if body.count > policy.maxBytes { throw FetchError.tooLarge(limit: policy.maxBytes) }
        }
      } catch let error as FetchError {
        throw error
      } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout
      {
        throw FetchError.timeout(seconds: policy.responseTimeout, bytesReceived: body.count)
      } catch {
        throw FetchError.network("the download from \(url) broke off: \(error)")
      }
      let hash = Self.hash(body)
      var fresh = memory
      fresh.bodyHash = hash
      if hash == previousHash { return .notModified(status: status, memory: fresh) }
      return .body(
        body, status: status, charset: Self.charset(response.headers.first(name: "Content-Type")),
        finalURL: url, memory: fresh)
    }
    throw FetchError.tooManyRedirects(limit: policy.maxRedirects)
  }

  /// The host and scheme of one hop of a fetch: http or https, and never from https down to
  /// plain http. An IPv6 literal's host comes without its brackets, as the resolver wants it.
  static func checkedHop(_ url: String, afterScheme previous: String?) throws -> (
    host: String, scheme: String
  ) {
    guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty,
      let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme)
    else { throw FetchError.network("'\(url)' is not an http(s) address") }
    if previous == "https" && scheme == "http" {
      throw FetchError.refusedAddress(
        "the redirect to \(url) would drop HTTPS for plain HTTP, which Drom does not follow; ask the partner to keep the feed on https"
      )
    }
    let bare =
      host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    return (bare, scheme)
  }

  static func hash(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
  }

  /// The `charset` parameter of a Content-Type, if any (RFC 7303 gives it precedence).
  static func charset(_ contentType: String?) -> String? {
    guard let contentType else { return nil }
    for parameter in contentType.split(separator: ";").dropFirst() {
      let pair = parameter.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      if pair.count == 2, pair[0].lowercased() == "charset" {
        return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      }
    }
    return nil
  }
}

extension Fetcher {
  /// Downloads one address unconditionally (an archive page, or `drom validate URL`): the
  /// body, its charset and the address it finally came from. Files are read as files.
  public func download(_ url: String, allowPrivate: Bool? = nil) async throws -> (
    Data, String?, String
  ) {
    if url.hasPrefix("file:") {
      switch try readFile(url, previousHash: nil) {
      case .body(let data, _, let charset, let finalURL, _): return (data, charset, finalURL)
      case .notModified: return (Data(), nil, url)
      }
    }
    // A loopback address written out, or localhost: what a partner checks on its own machine.
    // A name that only starts like one (127.attacker.example) is no loopback address.
    let host =
      URL(string: url)?.host.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
      ?? ""
    let isLocal = host == "localhost" || AddressGuard.classify(host) == .loopback
    switch try await fetchHTTP(
      url, etag: nil, lastModified: nil, previousHash: nil, allowPrivate: allowPrivate ?? isLocal)
    {
    case .body(let data, _, let charset, let finalURL, _): return (data, charset, finalURL)
    case .notModified: return (Data(), nil, url)
    }
  }
}

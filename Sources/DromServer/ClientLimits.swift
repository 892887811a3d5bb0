import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request's context: Hummingbird's, and the address the request came from, which the search
/// rate limit is kept by.
struct DromRequestContext: RequestContext, RemoteAddressRequestContext {
  var coreContext: CoreRequestContextStorage
  let remoteAddress: SocketAddress?

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    remoteAddress = source.channel.remoteAddress
  }
}

/// How many searches one client may ask for: a bucket of `burst` searches, refilled at `perSecond`.
/// Pages a cache answers cost as little as a file, but a search with new words costs the index
/// milliseconds, so a client asking for thousands a second would slow it for everyone.
public struct SearchRateLimit: Sendable, Equatable {
  public var perSecond: Double
  public var burst: Double
  /// Behind a reverse proxy every request comes from the proxy: take the client's address from
  /// the last `X-Forwarded-For` entry the proxy added, when the request comes from loopback.
  public var trustForwardedFor: Bool

  public init(perSecond: Double = 20, burst: Double = 60, trustForwardedFor: Bool = false) {
    self.perSecond = perSecond
    self.burst = burst
    self.trustForwardedFor = trustForwardedFor
  }

  /// No limit (`--search-rate 0`).
  public static let off = SearchRateLimit(perSecond: 0, burst: 0)
}

/// Token buckets by client address. At most `capacity` clients are remembered; when full, the
/// buckets that have refilled (clients gone quiet) are forgotten first, so a flood of addresses
/// cannot grow it without bound.
final class ClientBuckets: @unchecked Sendable {  // `buckets` only under `lock`
  private struct Bucket {
    var tokens: Double
    var updated: Double
  }

  private let lock = NSLock()
  private var buckets: [String: Bucket] = [:]
  private let limit: SearchRateLimit
  private let capacity: Int
  private let clock: @Sendable () -> Double

  init(
    limit: SearchRateLimit, capacity: Int = 50_000,
    clock: @escaping @Sendable () -> Double = {
      Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
  ) {
    self.limit = limit
    self.capacity = capacity
    self.clock = clock
  }

  /// Takes one search from the client's bucket; nil when granted, else the seconds to wait.
  func take(_ client: String) -> Double? {
    let now = clock()
    return lock.withLock {
      var bucket = buckets[client] ?? Bucket(tokens: limit.burst, updated: now)
      bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.updated) * limit.perSecond)
      bucket.updated = now
      if bucket.tokens < 1 {
        buckets[client] = bucket
        return (1 - bucket.tokens) / limit.perSecond
      }
      bucket.tokens -= 1
      if buckets[client] == nil, buckets.count >= capacity { forgetQuiet(now) }
      buckets[client] = bucket
      return nil
    }
  }

  var count: Int { lock.withLock { buckets.count } }

  private func forgetQuiet(_ now: Double) {
    buckets = buckets.filter {
      $0.value.tokens + (now - $0.value.updated) * limit.perSecond < limit.burst
    }
    // Everyone is busy: start over rather than grow.
    if buckets.count >= capacity { buckets.removeAll(keepingCapacity: true) }
  }
}

/// Answers 429, with `Retry-After`, to a client asking for searches (`q=` on any page or the
/// API) faster than its limit; everything else passes.
struct SearchRateLimitMiddleware: RouterMiddleware {
  typealias Context = DromRequestContext
  let limit: SearchRateLimit
  let buckets: ClientBuckets

  init(limit: SearchRateLimit) {
    self.limit = limit
    buckets = ClientBuckets(limit: limit)
  }

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    guard limit.perSecond > 0, Self.isSearch(request) else {
      return try await next(request, context)
    }
    if let wait = buckets.take(client(request, context)) {
      throw DirectoryError(
        status: .tooManyRequests, code: "too-many-searches",
        message:
          "Too many searches from your address: wait \(Int(wait.rounded(.up))) s and try again.",
        retryAfter: max(1, Int(wait.rounded(.up))))
    }
    return try await next(request, context)
  }

  static func isSearch(_ request: Request) -> Bool {
    request.uri.queryParameters["q"].map { !$0.isEmpty } ?? false
  }

  func client(_ request: Request, _ context: Context) -> String {
    Self.client(
      peer: context.remoteAddress?.ipAddress,
      forwardedFor: request.headers[HTTPField.Name("X-Forwarded-For")!],
      trustForwardedFor: limit.trustForwardedFor)
  }

  /// The peer's address, or, from a trusted proxy on loopback, the last address it forwarded
  /// (the one it saw; earlier ones are whatever the client claimed).
  static func client(peer: String?, forwardedFor: String?, trustForwardedFor: Bool) -> String {
    let peer = peer ?? "unknown"
    guard trustForwardedFor, peer == "127.0.0.1" || peer == "::1",
      let last = forwardedFor?.split(separator: ",").last
    else { return peer }
    let address = last.trimmingCharacters(in: .whitespaces)
    return address.isEmpty ? peer : address
  }
}

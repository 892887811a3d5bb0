import AsyncHTTPClient
import Foundation

/// One HTTP client per host and allowance, pinned to the address the guard checked.
///
/// The address guard resolves a host and checks every address; the client then connects to
/// that very address (AsyncHTTPClient's `dnsOverride`), so a DNS answer that changes between
/// the check and the connection (DNS rebinding) cannot reach a forbidden address. TLS still
/// verifies the certificate against the host name. Hosts are resolved once per harvest run.
/// Every connection the fetcher makes goes through here, private sources' included.
actor PinnedClients {
  typealias Resolver = @Sendable (String) throws -> [String]

  private struct Key: Hashable {
    var host: String
    var allowance: AddressGuard.Allowance
  }

  private let configuration: HTTPClient.Configuration
  private let resolve: Resolver
  private var clients: [Key: HTTPClient] = [:]

  init(configuration: HTTPClient.Configuration, resolver: @escaping Resolver = AddressGuard.resolve)
  {
    self.configuration = configuration
    self.resolve = resolver
  }

  /// A client for `host`, or the guard's refusal, decided before any connection is made.
  func client(for host: String, allowance: AddressGuard.Allowance) async throws -> HTTPClient {
    let key = Key(host: host, allowance: allowance)
    if let client = clients[key] { return client }
    // getaddrinfo blocks: on a thread of its own, so a slow name server holds neither this
    // actor (every other fetch) nor a thread of the concurrency pool, and the fetch's deadline
    // can give up on it.
    let resolve = self.resolve
    let addresses = try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread { continuation.resume(with: Result { try resolve(host) }) }
    }
    if let client = clients[key] { return client }  // resolved meanwhile by another fetch
    // IPv4 first: a server on "localhost" often listens on 127.0.0.1 alone, and one pinned
    // address cannot fall back the way Happy Eyeballs would.
    guard let address = addresses.first(where: { !$0.contains(":") }) ?? addresses.first else {
      throw FetchError.network("cannot resolve the host name \(host)")
    }
    for candidate in addresses {
      if let refusal = AddressGuard.refusal(host: host, address: candidate, allowance: allowance) {
        throw refusal
      }
    }
    var pinned = configuration
    pinned.dnsOverride = [host: address]
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinned)
    clients[key] = client
    return client
  }

  func shutdown() async throws {
    for client in clients.values { try await client.shutdown() }
    clients.removeAll()
  }
}

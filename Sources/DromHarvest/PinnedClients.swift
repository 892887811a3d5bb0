import AsyncHTTPClient

/// One HTTP client per guarded host, pinned to the address the guard checked.
///
/// The address guard resolves a host and checks every address; the client then connects to
/// that very address (AsyncHTTPClient's `dnsOverride`), so a DNS answer that changes between
/// the check and the connection (DNS rebinding) cannot reach a private address. TLS still
/// verifies the certificate against the host name. Hosts are resolved once per harvest run.
actor PinnedClients {
  private let configuration: HTTPClient.Configuration
  private var clients: [String: HTTPClient] = [:]

  init(configuration: HTTPClient.Configuration) {
    self.configuration = configuration
  }

  func client(for host: String) throws -> HTTPClient {
    if let client = clients[host] { return client }
    let addresses = try AddressGuard.resolve(host)
    guard let address = addresses.first else {
      throw FetchError.network("cannot resolve the host name \(host)")
    }
    for candidate in addresses where AddressGuard.isForbidden(candidate) {
      throw AddressGuard.Refusal(host: host, address: candidate)
    }
    var pinned = configuration
    pinned.dnsOverride = [host: address]
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: pinned)
    clients[host] = client
    return client
  }

  func shutdown() async throws {
    for client in clients.values { try await client.shutdown() }
    clients.removeAll()
  }
}

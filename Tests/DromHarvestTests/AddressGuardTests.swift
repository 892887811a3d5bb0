import Testing

@testable import DromHarvest

@Suite("The address guard")
struct AddressGuardTests {
  @Test(
    "refuses loopback and private addresses to a source that is not allowed them",
    arguments: [
      "127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "::1",
      "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    ])
  func privateNeedsAllowance(_ address: String) {
    #expect(AddressGuard.refusal(host: "h", address: address, allowance: .publicOnly) != nil)
    #expect(AddressGuard.refusal(host: "h", address: address, allowance: .privateToo) == nil)
  }

  @Test(
    "never lets link-local, metadata, shared-NAT, multicast or unspecified addresses through",
    arguments: [
      "169.254.169.254", "169.254.0.23", "fe80::1", "fe80::a9fe:a9fe%eth0", "fd00:ec2::254",
      "100.100.100.200", "100.64.0.1", "192.0.0.192", "0.0.0.0", "::", "224.0.0.1",
      "255.255.255.255", "ff02::1", "fec0::1",
      // IPv4 inside IPv6: mapped, compatible, NAT64 and 6to4 forms of the metadata address.
      "::ffff:169.254.169.254", "::a9fe:a9fe", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
      // Google Cloud's and Oracle Cloud's IPv6 metadata, any unique-local …:a9fe:a9fe.
      "fd20:ce::254", "fd00:c1::a9fe:a9fe", "fd12:3456::a9fe:a9fe",
      // NAT64 local-use, Teredo, documentation and discard prefixes; benchmarking, TEST-NETs.
      "64:ff9b:1::a9fe:a9fe", "2001:0:4136:e378::1", "2001:db8::1", "100::1", "198.18.0.1",
      "192.0.2.1", "198.51.100.1", "203.0.113.1",
      "not an address",
    ])
  func neverAllowed(_ address: String) throws {
    for allowance in [AddressGuard.Allowance.publicOnly, .privateToo] {
      let refusal = try #require(
        AddressGuard.refusal(host: "h", address: address, allowance: allowance))
      #expect(refusal.description.contains("never fetches"))
    }
  }

  @Test(
    "lets public addresses through",
    arguments: [
      "93.184.216.34", "172.32.0.1", "2a00:1450:4001:81d::200e", "8.8.8.8", "100.128.0.1",
    ])
  func allowed(_ address: String) {
    #expect(AddressGuard.refusal(host: "h", address: address, allowance: .publicOnly) == nil)
  }

  @Test("says what the registry can change, and what it cannot")
  func messages() throws {
    let loopback = try #require(
      AddressGuard.refusal(host: "feeds.example", address: "127.0.0.1", allowance: .publicOnly))
    #expect(
      loopback.description
        == "feeds.example resolves to 127.0.0.1, a loopback address, which Drom does not fetch from unless the registry allows it (drom:allow-private=\"true\")"
    )
    let metadata = try #require(
      AddressGuard.refusal(
        host: "feeds.example", address: "169.254.169.254", allowance: .privateToo))
    #expect(metadata.description.contains("link-local (where cloud metadata services answer)"))
  }
}

@Suite("Pinned clients")
struct PinnedClientTests {
  @Test("refuse a host whose name resolves to loopback, before any connection")
  func refusesLoopbackName() async throws {
    let clients = PinnedClients(configuration: .init())
    await #expect(throws: AddressGuard.Refusal.self) {
      try await clients.client(for: "localhost", allowance: .publicOnly)
    }
    try await clients.shutdown()
  }

  @Test("refuse a name with any forbidden address among its answers, allowance or not")
  func refusesAnyForbiddenAnswer() async throws {
    let clients = PinnedClients(configuration: .init()) { host in
      #expect(host == "feeds.example")
      return ["93.184.216.34", "169.254.169.254"]
    }
    for allowance in [AddressGuard.Allowance.publicOnly, .privateToo] {
      await #expect(throws: AddressGuard.Refusal.self) {
        try await clients.client(for: "feeds.example", allowance: allowance)
      }
    }
    try await clients.shutdown()
  }
}

@Suite("Redirect hops")
struct RedirectHopTests {
  @Test("a redirect from https to plain http is refused")
  func noDowngrade() throws {
    #expect(
      try Fetcher.checkedHop("https://feeds.example/a", afterScheme: nil).host == "feeds.example")
    #expect(throws: FetchError.self) {
      try Fetcher.checkedHop("http://feeds.example/b", afterScheme: "https")
    }
    #expect(
      try Fetcher.checkedHop("https://feeds.example/c", afterScheme: "http").scheme == "https")
    #expect(throws: FetchError.self) {
      try Fetcher.checkedHop("file:///etc/passwd", afterScheme: "http")
    }
    #expect(throws: FetchError.self) { try Fetcher.checkedHop("gopher://x/", afterScheme: nil) }
  }

  @Test("an IPv6 literal reaches the guard without its brackets")
  func ipv6Literal() throws {
    #expect(
      try Fetcher.checkedHop("http://[fd00:ec2::254]/latest", afterScheme: nil).host
        == "fd00:ec2::254")
  }
}

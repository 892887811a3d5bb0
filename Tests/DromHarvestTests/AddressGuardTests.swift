import Testing

@testable import DromHarvest

@Suite("The address guard")
struct AddressGuardTests {
  @Test(
    "refuses loopback, private, link-local and metadata addresses",
    arguments: [
      "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
      "100.64.0.1", "0.0.0.0", "::1", "::", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1",
      "224.0.0.1",
    ])
  func forbidden(_ address: String) {
    #expect(AddressGuard.isForbidden(address))
  }

  @Test(
    "lets public addresses through",
    arguments: ["93.184.216.34", "172.32.0.1", "2a00:1450:4001:81d::200e", "8.8.8.8"])
  func allowed(_ address: String) {
    #expect(!AddressGuard.isForbidden(address))
  }
}

@Suite("Pinned clients")
struct PinnedClientTests {
  @Test("refuse a host whose name resolves to loopback, before any connection")
  func refusesLoopbackName() async throws {
    let clients = PinnedClients(configuration: .init())
    await #expect(throws: AddressGuard.Refusal.self) { try await clients.client(for: "localhost") }
    try await clients.shutdown()
  }
}

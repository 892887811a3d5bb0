import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Decides which addresses a feed may make Drom connect to.
///
/// Checked after DNS resolution, on every hop of a redirect, so a public name pointing at
/// 127.0.0.1 is caught too. A registry line may allow private addresses (intranet partners,
/// tests): that allows loopback, RFC 1918 and unique-local IPv6, and never the ranges where
/// cloud metadata services and other host-internal endpoints live.
enum AddressGuard {
  /// What a source is allowed to reach.
  enum Allowance: Hashable, Sendable {
    /// Public addresses only: every feed, unless its registry line says otherwise.
    case publicOnly
    /// Also loopback and private networks (`drom:allow-private="true"`).
    case privateToo
  }

  /// The class of an address, as far as the guard cares.
  enum AddressClass: String, Sendable {
    case `public`
    /// Loopback, RFC 1918, unique-local IPv6: reachable with `drom:allow-private`.
    case loopback
    case `private`
    /// Never reachable, whatever the registry says.
    case linkLocal = "link-local (where cloud metadata services answer)"
    case metadata = "cloud metadata service"
    case sharedNAT = "carrier-grade NAT (where Alibaba Cloud's metadata service answers)"
    case unspecified, multicast, reserved
    case unparsable = "unreadable"

    var allowed: Set<Allowance> {
      switch self {
      case .public: [.publicOnly, .privateToo]
      case .loopback, .private: [.privateToo]
      default: []
      }
    }
  }

  struct Refusal: Error, CustomStringConvertible {
    var host: String
    var address: String
    var addressClass: AddressClass
    var description: String {
      let what = "\(host) resolves to \(address), a \(addressClass.rawValue) address"
      if addressClass.allowed.contains(.privateToo) {
        return
          "\(what), which Drom does not fetch from unless the registry allows it (drom:allow-private=\"true\")"
      }
      return "\(what), which Drom never fetches from, whatever the registry allows"
    }
  }

  /// Resolves a host name with the system's resolver (an address literal comes back as is).
  @Sendable static func resolve(_ host: String) throws -> [String] {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &result)
    guard status == 0, let first = result else {
      throw FetchError.network("cannot resolve the host name \(host)")
    }
    defer { freeaddrinfo(first) }
    var addresses: [String] = []
    var current: UnsafeMutablePointer<addrinfo>? = first
    while let info = current {
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      if getnameinfo(
        info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
        NI_NUMERICHOST) == 0
      {
        addresses.append(
          String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
      }
      current = info.pointee.ai_next
    }
    return addresses
  }

  /// The guard's decision for one resolved address: nil when it may be connected to.
  static func refusal(host: String, address: String, allowance: Allowance) -> Refusal? {
    let addressClass = classify(address)
    return addressClass.allowed.contains(allowance)
      ? nil : Refusal(host: host, address: address, addressClass: addressClass)
  }

  static func classify(_ address: String) -> AddressClass {
    var v4 = in_addr()
    if inet_pton(AF_INET, address, &v4) == 1 {
      return classifyIPv4(UInt32(bigEndian: v4.s_addr))
    }
    let withoutZone = address.split(separator: "%").first.map(String.init) ?? address
    guard let bytes = ipv6Bytes(withoutZone) else { return .unparsable }
    return classifyIPv6(bytes)
  }

  private static func ipv6Bytes(_ address: String) -> [UInt8]? {
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, address, &v6) == 1 else { return nil }
    return withUnsafeBytes(of: &v6) { Array($0) }
  }

  /// Metadata services on IPv6 addresses that would otherwise pass as unique-local: AWS's,
  /// Google Cloud's and Oracle Cloud's.
  private static let metadataIPv6 = ["fd00:ec2::254", "fd20:ce::254", "fd00:c1::a9fe:a9fe"]
    .compactMap(ipv6Bytes)

  private static func classifyIPv6(_ bytes: [UInt8]) -> AddressClass {
    func ipv4(at offset: Int) -> UInt32 {
      bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
    let high = bytes.prefix(2).reduce(UInt16(0)) { $0 << 8 | UInt16($1) }
    if bytes[0..<15].allSatisfy({ $0 == 0 }) {
      return bytes[15] == 1 ? .loopback : .unspecified  // ::1 and ::
    }
    // Forms that carry an IPv4 address, which some stacks route to it: IPv4-mapped
    // (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
      return classifyIPv4(ipv4(at: 12))
    }
    if bytes[0..<12].allSatisfy({ $0 == 0 }) { return classifyIPv4(ipv4(at: 12)) }
    if bytes[0..<12].elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]) {
      return classifyIPv4(ipv4(at: 12))
    }
    if high == 0x2002 { return classifyIPv4(ipv4(at: 2)) }
    if metadataIPv6.contains(bytes) { return .metadata }
    // A unique-local address ending in 169.254.169.254 is someone's metadata service too.
    if bytes[0] & 0xFE == 0xFC, bytes[12..<16].elementsEqual([0xA9, 0xFE, 0xA9, 0xFE]) {
      return .metadata
    }
    // Translation and tunnelling prefixes that may reach any IPv4 address (NAT64 local-use
    // 64:ff9b:1::/48, Teredo 2001::/32), documentation (2001:db8::/32) and discard (100::/64).
    if bytes[0..<6].elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0x01])
      || (high == 0x2001 && bytes[2] == 0 && bytes[3] == 0)
      || (high == 0x2001 && bytes[2] == 0x0D && bytes[3] == 0xB8)
      || (high == 0x0100 && bytes[2..<8].allSatisfy { $0 == 0 })
    {
      return .reserved
    }
    if bytes[0] & 0xFE == 0xFC { return .private }  // fc00::/7 unique local
    if high & 0xFFC0 == 0xFE80 { return .linkLocal }  // fe80::/10
    if high & 0xFFC0 == 0xFEC0 { return .reserved }  // fec0::/10, deprecated site-local
    if bytes[0] == 0xFF { return .multicast }
    return .public
  }

  private static func classifyIPv4(_ address: UInt32) -> AddressClass {
    func within(_ network: UInt32, _ bits: UInt32) -> Bool {
      address >> (32 - bits) == network >> (32 - bits)
    }
    if within(0x7F00_0000, 8) { return .loopback }
    if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) {
      return .private
    }
    if within(0xA9FE_0000, 16) { return .linkLocal }  // 169.254.0.0/16
    if within(0x6440_0000, 10) { return .sharedNAT }  // 100.64.0.0/10
    // 192.0.0.0/24 holds protocol assignments (Oracle Cloud's old metadata at 192.0.0.192).
    if within(0xC000_0000, 24) { return .metadata }
    if within(0x0000_0000, 8) { return .unspecified }
    if within(0xE000_0000, 4) { return .multicast }
    if within(0xF000_0000, 4) { return .reserved }  // 240.0.0.0/4 and the broadcast address
    // Benchmarking (198.18.0.0/15) and documentation (TEST-NET-1, -2, -3): never a partner.
    if within(0xC612_0000, 15) || within(0xC000_0200, 24) || within(0xC633_6400, 24)
      || within(0xCB00_7100, 24)
    {
      return .reserved
    }
    return .public
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Refuses addresses a feed must never make Drom connect to: loopback, private, link-local
/// (which holds cloud metadata services), carrier-grade NAT, multicast, unspecified.
///
/// Checked after DNS resolution, so a public name pointing at 127.0.0.1 is caught too. A
/// registry entry may allow private addresses explicitly (tests and intranet partners).
enum AddressGuard {
  struct Refusal: Error, CustomStringConvertible {
    var host: String
    var address: String
    var description: String {
      "\(host) resolves to \(address), a loopback, private or link-local address, which Drom does not fetch from unless the registry allows it (drom:allow-private=\"true\")"
    }
  }

  static func resolve(_ host: String) throws -> [String] {
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

  static func isForbidden(_ address: String) -> Bool {
    var v4 = in_addr()
    if inet_pton(AF_INET, address, &v4) == 1 {
      return isForbiddenIPv4(UInt32(bigEndian: v4.s_addr))
    }
    var v6 = in6_addr()
    guard
      inet_pton(AF_INET6, address.split(separator: "%").first.map(String.init) ?? address, &v6) == 1
    else { return true }
    let bytes = withUnsafeBytes(of: &v6) { Array($0) }
    if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
      let mapped = bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      return isForbiddenIPv4(mapped)
    }
    if bytes[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
    if bytes[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
    if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link-local
    if bytes[0] == 0xFF { return true }  // multicast
    return false
  }

  private static func isForbiddenIPv4(_ address: UInt32) -> Bool {
    func within(_ network: UInt32, _ bits: UInt32) -> Bool {
      address >> (32 - bits) == network >> (32 - bits)
    }
    return within(0x0000_0000, 8) || within(0x7F00_0000, 8) || within(0x0A00_0000, 8)
      || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) || within(0xA9FE_0000, 16)
      || within(0x6440_0000, 10) || within(0xE000_0000, 4) || within(0xF000_0000, 4)
  }
}

import Crypto
import Foundation

/// Lowercase hexadecimal, for digests in ETags, slugs and change hashes (`String(format:)` per
/// byte cost more than the hash it printed).
public enum Hex {
  public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Strings as one SHA-256, each ended by a zero byte (so no two lists give the same bytes): the
/// fingerprints by which the static export decides what it need not make again.
public enum Fingerprint {
  public static func of(_ parts: [String]) -> String {
    var hash = SHA256()
    for part in parts {
      hash.update(data: Data(part.utf8))
      hash.update(data: [0])
    }
    return Hex.lowercase(hash.finalize())
  }
}

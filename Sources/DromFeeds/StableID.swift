import Crypto
import Foundation

/// Ids Drom makes when a feed gives none: the same link and title give the same id, always.
enum StableID {
  static func derived(link: String?, title: String) -> String {
    let digest = SHA256.hash(data: Data(((link ?? "") + "\n" + title).utf8))
    let hex = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    return "urn:drom:derived:" + hex
  }
}

import Crypto
import Foundation

/// The address of an entry's page: stable for as long as the partner keeps the entry's id and
/// its feed address, short, and free of characters a URL would need to escape.
public enum EntrySlug {
  public static func make(sourceKey: String, entryID: String) -> String {
    let digest = SHA256.hash(data: Data((sourceKey + "\n" + entryID).utf8))
    return Hex.lowercase(digest.prefix(8))
  }

  public static func isWellFormed(_ slug: String) -> Bool {
    slug.utf8.count == 16
      && slug.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}

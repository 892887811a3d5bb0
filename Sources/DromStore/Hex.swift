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

import DromStore
import Foundation

/// The search API's answer written straight to bytes: the same bytes `JSONEncoder` makes with
/// sorted keys, unescaped slashes and ISO 8601 dates (`SearchResponseJSONTests` holds it to
/// that), at a fraction of its cost. The encoder boxed every value and sorted every object's
/// keys on each call: a tenth of a new search's time.
enum SearchResponseJSON {
  static func encode(_ response: APIRoutes.SearchResponse) -> Data {
    var out: [UInt8] = []
    out.reserveCapacity(1024 + response.hits.count * 768)
    // Keys in the encoder's sorted order.
    out += #"{"facets":{"#.utf8
    for (index, facet) in response.facets.keys.sorted(by: keyPrecedes).enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      string(facet, into: &out)
      out += #":["#.utf8
      for (position, count) in response.facets[facet]!.enumerated() {
        if position > 0 { out.append(UInt8(ascii: ",")) }
        out += #"{"count":"#.utf8
        out += String(count.count).utf8
        out += #","value":"#.utf8
        string(count.value, into: &out)
        out.append(UInt8(ascii: "}"))
      }
      out.append(UInt8(ascii: "]"))
    }
    out += #"},"hits":["#.utf8
    for (index, hit) in response.hits.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      self.hit(hit, into: &out)
    }
    out += #"],"page":"#.utf8
    out += String(response.page).utf8
    out += #","pageSize":"#.utf8
    out += String(response.pageSize).utf8
    out += #","total":"#.utf8
    out += String(response.total).utf8
    out.append(UInt8(ascii: "}"))
    return Data(out)
  }

  private static func hit(_ hit: SearchHit, into out: inout [UInt8]) {
    out += #"{"alsoPublishedBy":["#.utf8
    for (index, name) in hit.alsoPublishedBy.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      string(name, into: &out)
    }
    out.append(UInt8(ascii: "]"))
    // Keys in the encoder's sorted order; absent values are left out, as its
    // `encodeIfPresent` does.
    let fields: [(key: String, value: String?)] = [
      ("entryID", hit.entryID), ("kind", hit.kind), ("language", hit.language),
      ("link", hit.link), ("slug", hit.slug), ("snippet", hit.snippet),
      ("sourceKey", hit.sourceKey), ("sourceTitle", hit.sourceTitle), ("title", hit.title),
      ("updated", hit.updated?.formatted(.iso8601)),
    ]
    for case (let key, let value?) in fields {
      out += #",""#.utf8
      out += key.utf8
      out += #"":"#.utf8
      string(value, into: &out)
    }
    out.append(UInt8(ascii: "}"))
  }

  /// The encoder's order of keys (facet names are lowercase ASCII, where it is byte order).
  private static func keyPrecedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  private static let hex = Array("0123456789abcdef".utf8)

  /// A JSON string: quote, backslash and control characters escaped, the rest as it is (in
  /// runs: most text needs no escape).
  private static func string(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      var runStart = 0
      for (index, byte) in bytes.enumerated()
      where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        runStart = index + 1
        switch byte {
        case UInt8(ascii: "\""): out += #"\""#.utf8
        case UInt8(ascii: "\\"): out += #"\\"#.utf8
        case 0x08: out += #"\b"#.utf8
        case 0x0C: out += #"\f"#.utf8
        case 0x0A: out += #"\n"#.utf8
        case 0x0D: out += #"\r"#.utf8
        case 0x09: out += #"\t"#.utf8
        default:
          out += #"\u00"#.utf8
          out.append(hex[Int(byte >> 4)])
          out.append(hex[Int(byte & 0x0F)])
        }
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
    out.append(UInt8(ascii: "\""))
  }
}

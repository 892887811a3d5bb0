import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for pages and documents when the client accepts it: search pages and API answers
/// shrink four to eight times.
enum Compression {
  static let threshold = 1024

  static func accepts(_ request: Request) -> Bool {
    guard let header = request.headers[.acceptEncoding]?.lowercased() else { return false }
    return header.split(separator: ",").contains {
      let parts = $0.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
      return parts.first == "gzip" && !parts.dropFirst().contains("q=0")
    }
  }

  static func gzip(_ body: Data) -> ByteBuffer? {
    var input = ByteBuffer(bytes: body)
    return try? input.compress(with: .gzip())
  }
}

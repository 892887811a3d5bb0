/// Checks a document's first bytes against the encoding it declares, before libxml2 reads it,
/// and says what to read it as instead when the bytes plainly contradict the declaration:
///
/// - declared (or, by default, meant) UTF-8, but the bytes are not UTF-8: a CMS that writes
///   Windows-1252 and claims UTF-8. Read as Windows-1252 (ISO-8859-1 where a byte is one
///   Windows-1252 leaves undefined).
/// - declared ISO-8859-1, ISO-8859-15 or Windows-1252 (or told so by the HTTP header), but the
///   bytes are valid UTF-8 with characters beyond ASCII: read as UTF-8. Real Latin-1 text
///   almost never forms valid UTF-8 sequences ("Ã©" would have to be meant).
/// - UTF-32, which libxml2 2.9 misreads from its byte order mark: transcoded to UTF-8.
///
/// Only the first piece pushed is examined, at most `window` bytes of it (a file is read in
/// 256 KB pieces, a download comes whole); a contradiction further on is still an
/// `xml.encoding` error. Bytes that are mostly UTF-8 with a stray invalid byte are left alone
/// (and refused by libxml2 as before): reading them as Windows-1252 would garble every letter.
enum EncodingCheck {
  static let window = 1 << 20

  enum Correction: Equatable {
    /// Read the document as this encoding, whatever it declares.
    case readAs(String, declared: String)
    /// The document is UTF-32 in this byte order: transcode it to UTF-8 first.
    case utf32(bigEndian: Bool)
  }

  static func correction(for bytes: UnsafeRawBufferPointer, transportCharset: String?)
    -> Correction?
  {
    let head = Array(bytes.prefix(4))
    if head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || head.starts(with: [0x00, 0x00, 0x00, 0x3C]) {
      return .utf32(bigEndian: true)
    }
    if head.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || head.starts(with: [0x3C, 0x00, 0x00, 0x00]) {
      return .utf32(bigEndian: false)
    }
    // Other byte order marks and UTF-16 are libxml2's to detect, and right.
    if head.starts(with: [0xEF, 0xBB, 0xBF]) || head.starts(with: [0xFE, 0xFF])
      || head.starts(with: [0xFF, 0xFE]) || head.contains(0)
    {
      return nil
    }
    let sample = UnsafeRawBufferPointer(rebasing: bytes.prefix(window))
    let ownDeclaration = declaredEncoding(sample)
    let declared = transportCharset ?? ownDeclaration ?? "UTF-8"
    switch family(declared) {
    case .utf8:
      guard case .invalid = utf8Status(sample) else { return nil }
      // A server's charset=utf-8 over a document that says what it is: the document is right.
      if transportCharset != nil, let ownDeclaration, family(ownDeclaration) != .utf8 {
        return .readAs(ownDeclaration, declared: declared)
      }
      let undefinedInWindows1252: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]
      let encoding =
        sample.contains(where: undefinedInWindows1252.contains) ? "ISO-8859-1" : "windows-1252"
      return .readAs(encoding, declared: declared)
    case .latin:
      guard case .validBeyondASCII = utf8Status(sample) else { return nil }
      return .readAs("UTF-8", declared: declared)
    case .other:
      return nil
    }
  }

  private enum Family { case utf8, latin, other }

  private static func family(_ name: String) -> Family {
    switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
    case "utf-8", "utf8": .utf8
    case "iso-8859-1", "latin1", "latin-1", "iso-8859-15", "windows-1252", "cp1252", "us-ascii":
      .latin
    default: .other
    }
  }

  /// The `encoding` of an XML declaration at the very start, if any.
  static func declaredEncoding(_ bytes: UnsafeRawBufferPointer) -> String? {
    let prefix = bytes.prefix(200)
    guard prefix.starts(with: Array("<?xml".utf8)),
      let end = prefix.firstIndex(of: UInt8(ascii: ">"))
    else { return nil }
    let declaration = String(decoding: prefix[..<end], as: UTF8.self)
    guard let range = declaration.range(of: "encoding") else { return nil }
    let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" }
    guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
    return String(rest.dropFirst().prefix { $0 != quote })
  }

  /// `mixed`: invalid bytes among valid multi-byte characters, which no single reading mends.
  enum UTF8Status { case ascii, validBeyondASCII, invalid, mixed }

  /// Whether the bytes are UTF-8. A sequence cut off at the end is no fault (the sample may be
  /// the first piece of a longer document), and no evidence either: UTF-8 is recognised by
  /// complete multi-byte characters.
  static func utf8Status(_ bytes: UnsafeRawBufferPointer) -> UTF8Status {
    var index = 0
    var complete = 0
    var invalid = 0
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      if byte < 0x80 {
        index += 1
        continue
      }
      let length: Int
      switch byte {
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: length = 0
      }
      if length > 0, index + length > count { break }
      var valid = length > 0
      if valid {
        for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { valid = false }
      }
      if valid {
        // Overlong forms and surrogates are not UTF-8.
        let second = bytes[index + 1]
        valid =
          !((byte == 0xE0 && second < 0xA0) || (byte == 0xED && second > 0x9F)
          || (byte == 0xF0 && second < 0x90) || (byte == 0xF4 && second > 0x8F))
      }
      if valid {
        complete += 1
        index += length
      } else {
        invalid += 1
        index += 1
      }
    }
    switch (complete, invalid) {
    case (0, 0): return .ascii
    case (_, 0): return .validBeyondASCII
    case (0, _): return .invalid
    default: return .mixed
    }
  }
}

/// UTF-32 to UTF-8, chunk by chunk (a code unit may be split between two chunks); the byte
/// order mark is dropped.
struct UTF32Transcoder {
  let bigEndian: Bool
  private var pending: [UInt8] = []
  private var atStart = true
  /// Set when a code unit is not a Unicode scalar.
  private(set) var sawInvalid = false

  init(bigEndian: Bool) {
    self.bigEndian = bigEndian
  }

  mutating func transcode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    var input = pending
    input.append(contentsOf: bytes)
    let whole = input.count - input.count % 4
    pending = Array(input[whole...])
    var output: [UInt8] = []
    output.reserveCapacity(whole)
    var index = 0
    while index < whole {
      let b = input[index..<index + 4].map(UInt32.init)
      let value =
        bigEndian
        ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
      index += 4
      if atStart {
        atStart = false
        if value == 0xFEFF { continue }
      }
      guard let scalar = Unicode.Scalar(value) else {
        sawInvalid = true
        output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        continue
      }
      output.append(contentsOf: String(scalar).utf8)
    }
    return output
  }
}

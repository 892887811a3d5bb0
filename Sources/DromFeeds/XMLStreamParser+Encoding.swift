extension XMLStreamParser {
  /// Before libxml2 sees the first byte: when the bytes contradict the declared encoding
  /// (`EncodingCheck`), read them as what they are, and say so.
  func checkEncoding(_ bytes: UnsafeRawBufferPointer) {
    guard let correction = EncodingCheck.correction(for: bytes, transportCharset: encodingOverride)
    else { return }
    switch correction {
    case .readAs(let encoding, let declared):
      diagnostics.add(
        .warning, "feed.charset-mismatch", line: 1,
        "the feed's character set is given as '\(declared)', but its bytes are \(encoding == "UTF-8" ? "UTF-8" : "not UTF-8"); they were read as \(encoding). Save the feed as UTF-8 and declare encoding=\"UTF-8\" (and charset=utf-8 on the server)"
      )
      encodingOverride = encoding
    case .utf32(let bigEndian):
      diagnostics.add(
        .note, "feed.utf-32", line: 1,
        "the feed is UTF-32; Drom reads it, but UTF-8 says the same in a quarter of the bytes: save it as UTF-8"
      )
      encodingOverride = "UTF-8"
      utf32 = UTF32Transcoder(bigEndian: bigEndian)
    }
  }

  /// A UTF-32 document's next bytes, as UTF-8.
  func transcodeAndPush(_ bytes: UnsafeRawBufferPointer) {
    let converted = utf32!.transcode(bytes)
    converted.withUnsafeBytes { pushDecoded($0) }
  }
}

/// Turns text into search terms: words, stemmed in their language, then folded. The same
/// analysis runs when entries are indexed and when queries are read, so they meet.
public enum Analyzer {
  public struct Token: Equatable, Sendable {
    public var term: String
    /// Byte range of the word in the UTF-8 text, for highlighting.
    public var start: Int
    public var end: Int
  }

  /// The terms of a text written in `language` (a BCP 47 tag; nil: fold only, no stemming).
  public static func tokens(_ text: String, language: String?) -> [Token] {
    let stemmer = language.flatMap(Stemmer.forLanguage)
    var tokens: [Token] = []
    forEachWord(in: text) { word, start, end in
      tokens.append(Token(term: term(word, stemmer: stemmer), start: start, end: end))
    }
    return tokens
  }

  /// One word's term.
  public static func term(_ word: String, stemmer: Stemmer?) -> String {
    let lower = word.lowercased()
    return Folding.fold(stemmer?.stem(lower) ?? lower)
  }

  /// The terms a query word may stand for in each of the languages: its folded form and its
  /// stem in each language that has a stemmer.
  public static func queryTerms(_ word: String, languages: [String]) -> [String] {
    var terms = [Folding.fold(word.lowercased())]
    for language in languages {
      let candidate = term(word, stemmer: Stemmer.forLanguage(language))
      if !terms.contains(candidate) { terms.append(candidate) }
    }
    return terms
  }

  /// Calls `body` with each word (letters, digits and combining marks) and its byte range in
  /// the UTF-8 text.
  public static func forEachWord(in text: String, _ body: (String, Int, Int) -> Void) {
    var text = text
    text.withUTF8 { bytes in
      forEachWord(in: bytes) { word, start, end in
        body(String(decoding: word, as: UTF8.self), start, end)
      }
    }
  }

  /// The same over raw UTF-8, handing out slices of it: the tokenizer's path, which allocates
  /// nothing per word.
  public static func forEachWord(
    in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int, Int) -> Void
  ) {
    var offset = 0
    var wordStart = -1
    func flush(_ end: Int) {
      if wordStart >= 0 {
        body(UnsafeBufferPointer(rebasing: bytes[wordStart..<end]), wordStart, end)
        wordStart = -1
      }
    }
    func step(isWord: Bool, width: Int) {
      if isWord {
        if wordStart < 0 { wordStart = offset }
      } else {
        flush(offset)
      }
      offset += width
    }
    let count = bytes.count
    while offset < count {
      let lead = bytes[offset]
      // ASCII, then the two-byte scalars of Latin, Greek and Cyrillic, without a decoder:
      // this loop runs over every byte the index holds.
      if lead < 0x80 {
        step(isWord: isWordScalar(Unicode.Scalar(lead)), width: 1)
        continue
      }
      if lead >= 0xC2, lead <= 0xDF, offset + 1 < count, bytes[offset + 1] & 0xC0 == 0x80 {
        let value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[offset + 1] & 0x3F)
        step(isWord: wordScalarsBelow4096[Int(value)], width: 2)
        continue
      }
      var decoder = UTF8()
      var iterator = UnsafeBufferPointer(rebasing: bytes[offset...]).makeIterator()
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        step(isWord: isWordScalar(scalar), width: UTF8.width(scalar))
      case .emptyInput:
        offset = count
      case .error:
        // An invalid sequence ends a word; its bytes are skipped up to the next lead byte.
        flush(offset)
        offset += 1
        while offset < count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
      }
    }
    flush(count)
  }

  /// Calls `body` with a word's term as UTF-8. ASCII words (most of Latin-script text) are
  /// lowercased and stemmed on their bytes; others go through `term(_:stemmer:)`.
  public static func withTerm<R>(
    _ word: UnsafeBufferPointer<UInt8>, stemmer: Stemmer?, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    guard word.allSatisfy({ $0 < 0x80 }) else {
      var term = term(String(decoding: word, as: UTF8.self), stemmer: stemmer)
      return term.withUTF8(body)
    }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: word.count) { lower in
      for (index, byte) in word.enumerated() {
        lower[index] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
      }
      let lowered = UnsafeBufferPointer(lower)
      guard let stemmer else { return body(lowered) }
      return stemmer.withStem(lowered, body)
    }
  }

  @inline(__always)
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 {
      return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
        || (0x61...0x7A).contains(value)
    }
    if value < 0x1000 { return wordScalarsBelow4096[Int(value)] }
    return hasWordProperties(scalar)
  }

  private static func hasWordProperties(_ scalar: Unicode.Scalar) -> Bool {
    let properties = scalar.properties
    return properties.isAlphabetic || properties.numericType != nil
      || properties.generalCategory == .nonspacingMark
  }

  /// The answer for Latin, Greek, Cyrillic and their neighbours, looked up instead of asking
  /// Unicode's property tables for every letter of every indexed text.
  private static let wordScalarsBelow4096: [Bool] = (0..<0x1000).map { value in
    Unicode.Scalar(UInt32(value)).map(hasWordProperties) ?? false
  }
}

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

  /// Calls `body` with each word (letters, digits and inner apostrophes joined) and its byte
  /// range in the UTF-8 text.
  public static func forEachWord(in text: String, _ body: (String, Int, Int) -> Void) {
    var wordStart: Int?
    var offset = 0
    var word = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      let width = UTF8.width(scalar)
      if isWordScalar(scalar) {
        if wordStart == nil { wordStart = offset }
        word.append(scalar)
      } else if let start = wordStart {
        body(String(word), start, offset)
        word.removeAll(keepingCapacity: true)
        wordStart = nil
      }
      offset += width
    }
    if let start = wordStart { body(String(word), start, offset) }
  }

  @inline(__always)
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 {
      return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value)
        || (0x61...0x7A).contains(value)
    }
    let properties = scalar.properties
    return properties.isAlphabetic || properties.numericType != nil
      || properties.generalCategory == .nonspacingMark
  }
}

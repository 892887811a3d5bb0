import Foundation

/// A title for an entry that has none (RSS 2.0 allows an item with only a description, and
/// microblogs publish nothing else): the first sentence of its text, at most `limit`
/// characters, cut at a word.
enum DerivedTitle {
  static let limit = 80

  static func make(from text: String) -> String? {
    let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else { return nil }
    var sentence = Substring(text)
    var index = text.startIndex
    while index < text.endIndex {
      let next = text.index(after: index)
      if ".!?…。".contains(text[index]), next == text.endIndex || text[next].isWhitespace {
        sentence = text[..<next]
        break
      }
      index = next
    }
    if sentence.count <= limit {
      // A title ends without a full stop; an exclamation or a question keeps its mark.
      return String(
        sentence.hasSuffix(".") && !sentence.hasSuffix("..") ? sentence.dropLast() : sentence)
    }
    let cut = sentence.prefix(limit - 1)
    // At the last word boundary, unless the first word alone is longer than half the limit.
    if let space = cut.lastIndex(where: \.isWhitespace),
      cut.distance(from: cut.startIndex, to: space) > limit / 2
    {
      return cut[..<space].trimmingCharacters(in: .punctuationCharacters.union(.whitespaces)) + "…"
    }
    return cut + "…"
  }
}

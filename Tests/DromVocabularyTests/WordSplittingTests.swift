import DromText
import Testing

/// The words of a text as Swift's own Unicode properties define them: letters, digits and
/// combining marks; anything else, an invalid byte included, separates words.
private func referenceWords(_ bytes: [UInt8]) -> [String] {
  var words: [String] = []
  var current = ""
  for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
    let properties = scalar.properties
    if scalar != "\u{FFFD}"
      && (properties.isAlphabetic || properties.numericType != nil
        || properties.generalCategory == .nonspacingMark)
    {
      current.unicodeScalars.append(scalar)
    } else if !current.isEmpty {
      words.append(current)
      current = ""
    }
  }
  if !current.isEmpty { words.append(current) }
  return words
}

@Suite("Splitting text into words")
struct WordSplittingTests {
  @Test(
    "finds the same words as Unicode's properties, in every script and around invalid bytes",
    arguments: [
      "Roma@Work – Gränsgångare i Göteborg, 2024!",
      "Запошљавање младих Рома у Новом Саду",
      "ΕΡΓΑΣΙΑΣ και ένταξης: ζώνες συμβουλευτικής",
      "Mladi Romi i zapošljavanje — čekaonica, ćevapi, džep",
      "e\u{301}cole naïve café 3º año ½",
      "中文 日本語 한국어 עברית العربية",
      "emoji 👩🏽‍💻 work",
    ].map { Array($0.utf8) } + [
      [0x52, 0x6F, 0x6D, 0x61, 0xFF, 0x77, 0x6F, 0x72, 0x6B],  // Roma, an invalid byte, work
      [0xC3, 0x28, 0x61, 0x62],  // a lead byte without its continuation
      [0x61, 0xE2, 0x82],  // a sequence cut short at the end
    ]
  )
  func sameWordsAsUnicode(bytes: [UInt8]) {
    var words: [String] = []
    bytes.withUnsafeBufferPointer { buffer in
      Analyzer.forEachWord(in: buffer) { word, start, end in
        #expect(end - start == word.count)
        words.append(String(decoding: word, as: UTF8.self))
      }
    }
    #expect(words == referenceWords(bytes))
  }
}

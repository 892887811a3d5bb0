import Foundation

/// Folds text for matching: lowercase, no diacritics (Latin, Greek), Cyrillic written in Latin
/// letters (Serbian transliteration, which also serves Bulgarian and Russian well enough for
/// search), so that `Göteborg` matches `Goteborg`, `ΕΡΓΑΣΙΑΣ` matches `εργασίας` and `Рома`
/// matches `Roma`.
public enum Folding {
  /// Folds one word (or any text); characters outside the tables pass through lowercased.
  public static func fold(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        out.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20)! : scalar)
      } else if value < UInt32(table.count), let mapped = table[Int(value)] {
        out.append(contentsOf: mapped.unicodeScalars)
      } else {
        out.append(contentsOf: String(scalar).lowercased().unicodeScalars)
      }
    }
    return String(out)
  }

  /// Serbian Cyrillic (and the common Russian and Bulgarian letters) in Latin, lowercase,
  /// before diacritics are removed.
  private static let cyrillic: [Character: String] = [
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "c", "џ": "dz", "ш": "s", "й": "j", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "ь": "",
    "ъ": "a", "щ": "st", "ё": "e", "є": "e", "і": "i", "ї": "i", "ѓ": "g", "ќ": "k", "ѕ": "dz",
  ]

  /// Folded forms of U+0080…U+04FF, computed once: lowercase, decomposed, combining marks
  /// dropped, Cyrillic transliterated. nil where the character folds to itself.
  private static let table: [String?] = {
    var table = [String?](repeating: nil, count: 0x500)
    for value in 0x80..<0x500 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let lower = String(scalar).lowercased()
      if let first = lower.first, let latin = cyrillic[first] {
        table[value] = latin
        continue
      }
      var folded = String.UnicodeScalarView()
      for part in lower.decomposedScalars where !(0x300...0x36F).contains(part.value) {
        folded.append(part)
      }
      var result = String(folded)
      switch result {
      case "ς": result = "σ"  // final sigma
      case "ß": result = "ss"
      case "đ": result = "dj"  // Serbian Latin, as its Cyrillic ђ
      case "ø": result = "o"
      case "æ": result = "ae"
      case "œ": result = "oe"
      case "ł": result = "l"
      case "ı": result = "i"
      default: break
      }
      if result != String(scalar) { table[value] = result }
    }
    return table
  }()
}

extension String {
  /// Canonical decomposition (NFD), scalar by scalar.
  fileprivate var decomposedScalars: [Unicode.Scalar] {
    Array(decomposedStringWithCanonicalMappingScalars)
  }
}

extension String {
  fileprivate var decomposedStringWithCanonicalMappingScalars: String.UnicodeScalarView {
    decomposedStringWithCanonicalMapping.unicodeScalars
  }
}

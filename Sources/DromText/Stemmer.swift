import CStemmer
import Foundation

/// Snowball stemming (Debian's libstemmer) for the languages that have an algorithm.
///
/// A Snowball stemmer keeps state between calls, so each language has one, used under a lock;
/// stemming is short and the harvester writes from one thread, so the lock is not contended.
public final class Stemmer: @unchecked Sendable {  // the stemmer's state is used only under `lock`
  /// BCP 47 primary language → Snowball algorithm.
  static let algorithms: [String: String] = [
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nl": "dutch",
    "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
  ]

  private let stemmer: OpaquePointer
  private let lock = NSLock()
  public let algorithm: String

  private init?(algorithm: String) {
    guard let stemmer = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
    self.algorithm = algorithm
    self.stemmer = stemmer
  }

  deinit {
    sb_stemmer_delete(stemmer)
  }

  /// The stem of a lowercase word.
  public func stem(_ word: String) -> String {
    var word = word
    return word.withUTF8 { bytes in
      lock.withLock {
        guard let stemmed = sb_stemmer_stem(stemmer, bytes.baseAddress, Int32(bytes.count)) else {
          return String(decoding: bytes, as: UTF8.self)
        }
        let length = Int(sb_stemmer_length(stemmer))
        return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
      }
    }
  }

  /// Stems UTF-8 bytes and hands the stem to `body` while it is valid (under the lock).
  public func withStem<R>(
    _ word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R
  ) -> R {
    lock.withLock {
      guard let stemmed = sb_stemmer_stem(stemmer, word.baseAddress, Int32(word.count)) else {
        return body(word)
      }
      return body(UnsafeBufferPointer(start: stemmed, count: Int(sb_stemmer_length(stemmer))))
    }
  }

  private static let shared: [String: Stemmer] = {
    var stemmers: [String: Stemmer] = [:]
    for (language, algorithm) in algorithms {
      stemmers[language] = Stemmer(algorithm: algorithm)
    }
    return stemmers
  }()

  /// The stemmer for a BCP 47 tag's primary language, or nil (Bulgarian, Romani…: fold only).
  public static func forLanguage(_ tag: String) -> Stemmer? {
    // Most tags are already a lowercase primary subtag ("ro"): looked up as they are, without
    // making new strings (this runs for every column a search makes a snippet of).
    if tag.utf8.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) {
      return shared[tag]
    }
    let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? tag
    return shared[primary]
  }
}

import Testing

@testable import DromFeeds

/// The reader reuses one libxml2 HTML context and one writer per thread, and collapses and
/// escapes text as it arrives. None of that may change a result.
@Suite("Reused HTML parsing")
struct FragmentReuseTests {
  /// Fragments that leave libxml2 in odd states: unclosed and cut-off tags, raw-text elements,
  /// a stray end tag, entities, no-break spaces, and the XSS vectors.
  static let fragments: [String] =
    [
      "<p>Roma@Work <strong>Gent",
      "<p>cut off <a href=\"https://foyer.example.be/",
      "<script>never closed",
      "<style>p { color: red }",
      "</div></p>text after stray end tags",
      "<table><tr><td>1<td>2</table>after the table",
      "Göteborg&nbsp;&amp;\u{00A0}\u{00A0}Älv &amp; Kust &#8212; Gränsgångare",
      "  \t\n leading and trailing white space \n ",
      "<ul><li>VDAB<li>Actiris</ul><h1>Rubrik</h1>",
      "<textarea><p>not markup</p></textarea><p>after",
      "plain text without markup",
      "<!-- a comment --><p>after a comment</p>",
      "<p>Самоорганизовање ромских заједница</p><p>Ρομά εργαζόμενοι</p>",
      "a\u{0000}b<b>c</b>",
    ] + xssVectors

  @Test("gives what a fresh parser gives, fragment after fragment")
  func reusedEqualsFresh() {
    let reused = HTMLFragmentParser()
    // Twice over, in both orders, so every fragment follows every kind of breakage.
    for markup in Self.fragments + Self.fragments.reversed() + Self.fragments {
      for keepingHTML in [true, false] {
        let fresh = HTMLSanitizer.sanitize(
          markup, base: "https://foyer.example.be/", keepingHTML: keepingHTML)
        var bytes = markup
        let again = bytes.withUTF8 {
          HTMLSanitizer.sanitize(
            $0, base: "https://foyer.example.be/", keepingHTML: keepingHTML, with: reused)
        }
        #expect(again == fresh, "\(markup)")
      }
    }
  }

  @Test("reads a NUL as a space, as libxml2 does in memory")
  func nul() {
    #expect(HTMLSanitizer.sanitize("a\u{0000}b<b>c</b>").text == "a bc")
  }

  @Test("gives the same after its libxml2 context is replaced")
  func sameAfterReplacement() {
    let parser = HTMLFragmentParser()
    let markup = "<p>Begeleiding naar <strong>werk</strong></p><a href=\"/plan\">plan</a>"
    let expected = HTMLSanitizer.sanitize(markup, base: "https://foyer.example.be/")
    // Past the number of fragments one context reads, several times over.
    for round in 0..<(HTMLFragmentParser.maxFragmentsPerContext * 2 + 3) {
      var bytes = round.isMultiple(of: 2) ? markup : "<p>other <em>fragment"
      let result = bytes.withUTF8 {
        HTMLSanitizer.sanitize($0, base: "https://foyer.example.be/", with: parser)
      }
      if round.isMultiple(of: 2) { #expect(result == expected) }
    }
  }

  @Test("collapses white space as one pass over the whole text would, however it is split")
  func collapsingInPieces() {
    let samples = [
      "  a  b\t\tc\n", "\u{00A0}x\u{00A0}\u{00A0}y\u{00A0}", "no spaces", "", "   ",
      "Göteborg  och\u{00A0}Älv", "a\u{0001}b c\u{00A9}d\u{0085}e", "end with space ",
      "Samordningsförbundet\u{00A0}Väst-och-Älv-och-Kust  arbetslivsinriktad\trehabilitering",
      "abcdefghijklmnop qrstuvwxyzabcdefg\nhijklmnopqrstuvw\u{00A0}\u{00A0}xyz0123456789©®",
      "Самоорганизовање ромских заједница у Србији и Ρομά εργαζόμενοι στην Ελλάδα",
    ]
    for text in samples {
      let bytes = Array(text.utf8)
      // Every split that does not cut a character in two (libxml2 never does).
      for cut in 0...bytes.count where cut == bytes.count || (bytes[cut] & 0xC0) != 0x80 {
        var buffer = ByteBuffer(capacity: 4)
        var spacePending = false
        bytes[..<cut].withUnsafeBufferPointer {
          buffer.appendCollapsingWhitespace($0, spacePending: &spacePending)
        }
        bytes[cut...].withUnsafeBufferPointer {
          buffer.appendCollapsingWhitespace($0, spacePending: &spacePending)
        }
        let collapsed = String(decoding: buffer.bytes, as: UTF8.self)
        #expect(collapsed == TextScanning.collapseWhitespace(text), "\(text) cut at \(cut)")
      }
    }
  }

  @Test("collapses random text as one pass over the whole text would")
  func collapsingRandomText() {
    // A fixed generator, so a failure can be reproduced.
    var generator = SplitMix(seed: 2026)
    let alphabet: [String] = [
      "a", "Z", "0", " ", "  ", "\t", "\n", "\u{00A0}", "\u{00A9}", "\u{0085}", "ä", "ж", "ρ", "€",
      "\u{0001}", "-",
    ]
    for _ in 0..<2_000 {
      let length = Int(generator.next() % 40)
      let text = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        .joined()
      var buffer = ByteBuffer(capacity: 4)
      var spacePending = false
      var bytes = text
      bytes.withUTF8 { buffer.appendCollapsingWhitespace($0, spacePending: &spacePending) }
      #expect(
        String(decoding: buffer.bytes, as: UTF8.self) == TextScanning.collapseWhitespace(text),
        "\(Array(text.utf8))")
    }
  }

  @Test("escapes and collapses in one pass as the two passes do")
  func escapingAndCollapsingTogether() {
    var generator = SplitMix(seed: 1923)
    let alphabet: [String] = [
      "a", "Z", "0", " ", "\t", "\n", "\u{00A0}", "\u{00A9}", "ä", "ж", "€", "\u{0001}", "&", "<",
      ">", "\"", "'", "Samordningsförbundet", "Väst och Älv",
    ]
    for _ in 0..<3_000 {
      let length = Int(generator.next() % 30)
      let pieces = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))]
      }
      // Two pieces, as libxml2 may hand a text over in two calls.
      let cut = pieces.isEmpty ? 0 : Int(generator.next() % UInt64(pieces.count + 1))
      var together = ByteBuffer(capacity: 4)
      var togetherText = ByteBuffer(capacity: 4)
      var escaped = ByteBuffer(capacity: 4)
      var collapsed = ByteBuffer(capacity: 4)
      var pendingTogether = false
      var pendingApart = false
      for part in [pieces[..<cut].joined(), pieces[cut...].joined()] {
        var part = part
        part.withUTF8 {
          together.appendEscapingHTML(
            $0, collapsingInto: &togetherText, spacePending: &pendingTogether)
          escaped.appendEscapingHTML($0)
          collapsed.appendCollapsingWhitespace($0, spacePending: &pendingApart)
        }
      }
      let text = pieces.joined()
      #expect(Array(together.bytes) == Array(escaped.bytes), "\(text)")
      #expect(Array(togetherText.bytes) == Array(collapsed.bytes), "\(text)")
      #expect(pendingTogether == pendingApart)
    }
  }

  @Test("escapes as HTMLEscaping does")
  func escaping() {
    for text in ["a < b & c > d \"e\" 'f'", "plain", "", "<<&&>>", "Älv & Kust"] {
      var buffer = ByteBuffer(capacity: 1)
      var bytes = text
      bytes.withUTF8 { buffer.appendEscapingHTML($0) }
      #expect(String(decoding: buffer.bytes, as: UTF8.self) == HTMLEscaping.escape(text))
    }
  }
}

/// SplitMix64: a tiny deterministic generator for reproducible random tests.
struct SplitMix: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

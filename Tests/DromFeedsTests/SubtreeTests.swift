import DromFeeds
import DromModel
import Foundation
import Testing

/// An entry's subtree keeps its text in one buffer, each element a slice of it: mixed content,
/// repairs and scopes must read as they did when every element and text was its own object.
@Suite("Entry subtrees")
struct SubtreeTests {
  @Test("mixed XHTML content keeps its text and elements in order")
  func mixedContent() {
    let result = read(
      atom(
        entry(
          extra: """
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Göteborg <b>och <i>Älv</i></b> &amp; Kust<br/>slut</div></content>
            """)))
    let content = result.feed.entries.first?.content
    // libxml2's HTML parser puts loose text in a paragraph.
    #expect(content?.html == "<p>Göteborg <b>och <i>Älv</i></b> &amp; Kust<br>slut</p>")
    #expect(content?.text == "Göteborg och Älv & Kust slut")
  }

  @Test("Windows-1252 characters in a feed declared ISO-8859-1 are mended around child elements")
  func repairAcrossChildren() {
    // 0x93 and 0x94 are curly quotes in Windows-1252, C1 controls in ISO-8859-1; 0x80 is €.
    var bytes = Array(
      """
      <?xml version="1.0" encoding="ISO-8859-1"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv"><title>t</title>
      <entry><id>urn:test:1</id><title>Gr\u{00E4}nsg\u{00E5}ngare</title><updated>2026-03-10T09:00:00+01:00</updated>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">QQ1<b>QQ2</b>QQ3</div></content></entry></feed>
      """.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
    // Put the Windows-1252 bytes in: before, inside and after the child element.
    func replace(_ marker: String, with replacement: [UInt8]) {
      let pattern = Array(marker.utf8)
      let start = (0...(bytes.count - pattern.count)).first {
        Array(bytes[$0..<($0 + pattern.count)]) == pattern
      }!
      bytes.replaceSubrange(start..<(start + pattern.count), with: replacement)
    }
    replace("QQ1", with: [0x93, 0x61, 0x94, 0x20])
    replace("QQ2", with: [0x80, 0x35])
    replace("QQ3", with: [0x20, 0x93, 0x62, 0x94])
    let result = read(Data(bytes))
    let content = result.feed.entries.first?.content
    #expect(content?.html == "<p>\u{201C}a\u{201D} <b>\u{20AC}5</b> \u{201C}b\u{201D}</p>")
    #expect(result.diagnostic("feed.charset-repaired") != nil)
    #expect(result.feed.entries.first?.title == "Gränsgångare")
  }

  @Test("xml:lang and xml:base end with their element, also one that is skipped")
  func scopes() {
    let result = read(
      """
      <rss version="2.0"><foo xml:lang="fr" xml:base="https://evil.example/x/"/>
      <channel><title>Foyer</title><link>https://foyer.example.be/</link><language>nl</language>
      <item xml:lang="fr"><guid>1</guid><title>Un</title><link>un</link><pubDate>Tue, 10 Mar 2026 09:00:00 +0100</pubDate></item>
      <item><guid>2</guid><title>Twee</title><link>twee</link><pubDate>Tue, 10 Mar 2026 09:00:00 +0100</pubDate></item>
      </channel></rss>
      """)
    let entries = result.feed.entries
    #expect(entries.map { $0.language?.value } == ["fr", "nl"])
    #expect(
      entries.map { $0.links.first?.href } == [
        "https://foyer.example.be/un", "https://foyer.example.be/twee",
      ])
  }
}

import DromModel
import Testing

@Suite("Links made from partners' addresses")
struct SafeLinkTests {
  @Test(
    "only web addresses become links, read as a browser reads them",
    arguments: [
      ("https://foyer.example.be/", "https://foyer.example.be/"),
      ("  HTTP://example.org/a?b=c ", "HTTP://example.org/a?b=c"),
      ("javascript:alert(1)", nil), ("JAVASCRIPT:alert(1)", nil), ("java\tscript:alert(1)", nil),
      ("\u{01}javascript:alert(1)", nil), ("data:text/html,<script>alert(1)</script>", nil),
      ("vbscript:msgbox", nil), ("//evil.example/", nil), ("https:evil", nil), ("", nil),
      ("http\n://example.org/", "http://example.org/"),
    ] as [(String, String?)])
  func web(raw: String, expected: String?) {
    #expect(SafeLink.web(raw) == expected)
  }

  @Test(
    "a telephone link is rebuilt from the number's digits",
    arguments: [
      ("tel:+32-2-000-00-10", "tel:+3220000010"), ("+46 31 123 45", "tel:+463112345"),
      ("TEL:0031 (0)20 555;ext=12", "tel:0031020555"), ("javascript:alert(1)", nil),
      ("tel:javascript:alert('x')", nil), ("call me", nil),
    ] as [(String, String?)])
  func telephone(raw: String, expected: String?) {
    #expect(SafeLink.telephone(raw) == expected)
  }
}

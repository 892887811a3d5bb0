import DromFeeds
import Testing

/// Known XSS vectors (after the OWASP filter-evasion cheat sheet): none may survive.
let xssVectors: [String] = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<p onmouseover=\"alert(1)\">hover</p>",
  "<body onload=alert(1)>",
  "<a href=\"javascript:alert(1)\">x</a>",
  "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
  "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
  "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
  "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
  "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
  "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
  "<a href=\" &#14; javascript:alert(1)\">x</a>",
  "<a href=\"vbscript:msgbox(1)\">x</a>",
  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
  "<svg onload=alert(1)><circle r=1 /></svg>",
  "<svg><script>alert(1)</script></svg>",
  "<math><mtext><script>alert(1)</script></mtext></math>",
  "<style>body{background:url(javascript:alert(1))}</style>",
  "<div style=\"background-image: url(javascript:alert(1))\">x</div>",
  "<p style=\"width: expression(alert(1))\">x</p>",
  "<iframe src=\"https://evil.example/\"></iframe>",
  "<object data=\"evil.swf\"></object>",
  "<embed src=\"evil.swf\">",
  "<form action=\"https://evil.example/\"><input name=q><button>go</button></form>",
  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
  "<base href=\"javascript:alert(1)//\">",
  "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
  "<template><script>alert(1)</script></template>",
  "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
  "<a href=\"#\" onclick=\"alert(1)\">x</a>",
  "<details open ontoggle=alert(1)>",
  "<video><source onerror=\"alert(1)\"></video>",
]

@Suite("The HTML sanitiser")
struct HTMLSanitizerTests {
  @Test("lets no XSS vector through", arguments: xssVectors)
  func noVectorSurvives(_ vector: String) {
    let html = HTMLSanitizer.sanitize("<p>before</p>" + vector + "<p>after</p>").html.lowercased()
    for forbidden in [
      "<script", "javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "onmouseover",
      "ontoggle", "<iframe", "<svg", "<math", "<object", "<embed", "<form", "<input", "<style",
      "style=", "<meta", "<base", "<link", "expression(", "background=",
    ] {
      #expect(!html.contains(forbidden), "'\(forbidden)' survived in \(html)")
    }
    #expect(html.contains("before"))
  }

  @Test("keeps text, safe links, lists, emphasis, tables and demotes headings")
  func keepsStructure() {
    let result = HTMLSanitizer.sanitize(
      """
      <h1>Roma@Work</h1><p lang="nl">Begeleiding naar <strong>werk</strong> en <em>opleiding</em>.
      <a href="https://foyer.example.be/roma" title="Foyer">Meer</a> · <a href="mailto:info@foyer.example.be">mail</a></p>
      <ul><li>VDAB</li><li>Actiris</li></ul><table><tr><th scope="col">Jaar</th><td colspan="2">62</td></tr></table>
      """)
    #expect(result.html.contains("<h3>Roma@Work</h3>"))
    #expect(result.html.contains("<p lang=\"nl\">"))
    #expect(result.html.contains("<strong>werk</strong>"))
    #expect(
      result.html.contains(
        "<a href=\"https://foyer.example.be/roma\" title=\"Foyer\" rel=\"nofollow noopener noreferrer\">Meer</a>"
      ))
    #expect(result.html.contains("href=\"mailto:info@foyer.example.be\""))
    #expect(result.html.contains("<ul><li>VDAB</li><li>Actiris</li></ul>"))
    #expect(result.html.contains("<th scope=\"col\">Jaar</th><td colspan=\"2\">62</td>"))
    #expect(result.text.hasPrefix("Roma@Work Begeleiding naar werk en opleiding."))
    #expect(result.removed.isEmpty)
  }

  @Test("resolves relative links against the base and escapes text")
  func relativeLinksAndEscaping() {
    let result = HTMLSanitizer.sanitize(
      "<p><a href=\"../plan.pdf\">plan</a> &lt;b&gt; &amp; \"quotes\"</p>",
      base: "https://goteborg.example.se/projekt/index.html")
    #expect(result.html.contains("href=\"https://goteborg.example.se/plan.pdf\""))
    #expect(result.html.contains("&lt;b&gt; &amp; &quot;quotes&quot;"))
  }

  @Test("says what it removed, so the partner can be told")
  func reportsRemovals() {
    let result = HTMLSanitizer.sanitize(
      "<p onclick=\"x()\">a</p><script>b</script><a href=\"javascript:c\">d</a>")
    #expect(result.removed == ["the onclick attribute", "<script>", "a javascript: link"])
    #expect(result.text == "a d")
  }

  @Test(
    "for text only, gives the same text and removals, and no HTML",
    arguments: xssVectors + [
      "<h1>Roma@Work</h1><p>Begeleiding naar <strong>werk</strong></p><ul><li>VDAB</li></ul>",
      "plain text, no markup", "<p onclick=\"x()\">a</p><a href=\"javascript:c\">d</a>",
      "<table><tr><td>1</td><td>2</td></tr></table><br>3<hr>4",
    ])
  func textOnly(_ markup: String) {
    let full = HTMLSanitizer.sanitize(markup, base: "https://foyer.example.be/")
    let textOnly = HTMLSanitizer.sanitize(
      markup, base: "https://foyer.example.be/", keepingHTML: false)
    #expect(textOnly.html == "")
    #expect(textOnly.text == full.text)
    #expect(textOnly.removed == full.removed)
  }
}

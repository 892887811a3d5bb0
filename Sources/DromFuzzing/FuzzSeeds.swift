import Foundation

/// The inputs each target starts from: the repository's fixtures and samples (read in place,
/// nothing copied into the repository) and a few hand-written ones; `drom-fuzz seeds` adds the
/// regression inputs of `Tests/Fixtures/fuzz/<target>/`.
public enum FuzzSeeds {
  /// Named seeds for `target`, read from `repository`.
  public static func inputs(for target: FuzzTarget, repository: URL) throws -> [(
    name: String, data: Data
  )] {
    func files(_ folder: String, _ extensions: Set<String>) throws -> [(String, Data)] {
      let url = repository.appendingPathComponent(folder)
      guard FileManager.default.fileExists(atPath: url.path) else { return [] }
      return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
        .map { ($0, try Data(contentsOf: url.appendingPathComponent($0))) }
    }
    func written(_ texts: [String]) -> [(String, Data)] {
      texts.enumerated().map { ("written-\($0.offset)", Data($0.element.utf8)) }
    }
    var inputs: [(name: String, data: Data)]
    switch target {
    case .feed:
      inputs =
        try files("Tests/Fixtures/feeds", ["xml", "json"])
        + files("docs/sample-network/feeds", ["xml", "json"])
    case .html:
      // The feeds' markup, entities and CDATA included, besides hand-written fragments.
      inputs = written(htmlFragments) + (try files("Tests/Fixtures/feeds", ["xml"]))
    case .search:
      inputs = written(searches)
    case .opml:
      inputs = try files("docs/sample-network", ["opml"]) + written(registries)
    case .csv:
      inputs = try files("Importers/samples", ["csv"]) + files("Importers/samples/bad", ["csv"])
    case .xlsx:
      inputs = try files("Importers/samples", ["xlsx"]) + files("Importers/samples/bad", ["xlsx"])
    case .xlsxParts:
      inputs = ["Importers/samples", "Importers/samples/bad"].flatMap { folder in
        let url = repository.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".xlsx") }.compactMap { name in
          (try? XLSXParts.parts(ofWorkbook: url.appendingPathComponent(name))).map {
            (name + ".parts", $0)
          }
        }
      }
    }
    return inputs
  }

  /// The inputs that once broke `target`: `Tests/Fixtures/fuzz/<target>/`, READMEs left out.
  /// So are `open-*` inputs unless asked for: they still crash or hang (the bug is open), which
  /// would stop the fuzzer before it starts and the tests for good.
  public static func regressions(
    for target: FuzzTarget, repository: URL, includingOpen: Bool = false
  ) throws -> [(name: String, data: Data)] {
    let folder = repository.appendingPathComponent("Tests/Fixtures/fuzz/\(target.rawValue)")
    guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
    return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
      .filter { includingOpen || !$0.hasPrefix("open-") }
      .map { ($0, try Data(contentsOf: folder.appendingPathComponent($0))) }
  }

  /// Tokens for libFuzzer's `-dict` (the tokens its mutations insert), in its file format.
  public static func dictionary(for target: FuzzTarget) -> String {
    let tokens: [String]
    switch target {
    case .feed:
      tokens = [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "<rss version=\"2.0\">", "<channel>", "<item>", "<entry>", "</entry>", "<title>", "<id>",
        "<link href=\"", "<updated>2026-03-01T10:00:00Z</updated>", "<content type=\"html\">",
        "<content type=\"xhtml\">", "<summary>", "<description>", "<guid>", "<pubDate>",
        "<![CDATA[", "]]>", "xml:base=\"", "xml:lang=\"", "<!DOCTYPE", "<!ENTITY", "&amp;", "&#",
        "xmlns:dcterms=\"http://purl.org/dc/terms/\"", "xmlns:drom=\"https://w3id.org/drom/ns#\"",
        "<dcterms:spatial>", "<dcterms:type>", "<drom:contact>", "<category term=\"",
        "<at:deleted-entry ref=\"", "<fh:complete/>",
        "{\"version\":\"https://jsonfeed.org/version/1.1\"",
        "\"items\":[", "\"content_html\":", "\"id\":", "\"url\":", "\"date_published\":",
        "\u{FEFF}",
      ]
    case .html:
      tokens = [
        "<p>", "</p>", "<a href=\"", "javascript:", "<script>", "</script>", "<style>", "<svg>",
        "<math>", "<template>", "<table>", "<tr>", "<td>", "<h1>", "<ul>", "<li>", "<br>", "<img ",
        " onclick=\"", " style=\"", " lang=\"", "<!--", "-->", "<![CDATA[", "&nbsp;", "&#x",
        "&#", "&amp;", "<noscript>", "<iframe", "<pre>", "<code>", "\u{0}", "\u{A0}",
      ]
    case .search:
      tokens = [
        "q=", "&raw=1", "&raw=true", "&sort=newest", "&page=", "&since=", "&visit=", "&lang=",
        "&theme=", "&country=", "&city=", "&language=", "&kind=", "&audience=", "&jurisdiction=",
        "&category=", "\"", "*", "NEAR(", " OR ", " AND ", " NOT ", "^", "title:", "%22", "%00",
        "%C3%", "+",
      ]
    case .opml:
      tokens = [
        "<opml version=\"2.0\" xmlns:drom=\"https://w3id.org/drom/ns#\">", "<head>", "<title>",
        "<body>", "<outline ", "xmlUrl=\"", "htmlUrl=\"", "language=\"", "text=\"", "title=\"",
        "drom:city=\"", "drom:country=\"", "drom:nuts=\"", "drom:lau=\"", "drom:lau-year=\"",
        "drom:allow-private=\"true\"", "file:", "https://", "../", "/>", "</outline>",
      ]
    case .csv:
      tokens = [
        ";", ",", "\t", "|", "\"", "\"\"", "\r\n", "\u{FEFF}", "2026-03-01",
        "1.3.2026", "31.02.2026", "https://", "SE", "Sverige", "Arbete", "Romer", "@",
      ]
    case .xlsx, .xlsxParts:
      tokens = [
        "<sheet name=\"", "r:id=\"", "<Relationship Id=\"", "Target=\"", "Type=\"", "<si>",
        "<t>", "<r>", "<rPh>", "<row r=\"", "<c r=\"", " t=\"s\"", " t=\"inlineStr\"", " t=\"e\"",
        " t=\"b\"", " s=\"", "<v>", "<f>", "<is>", "<mergeCell ref=\"", "<numFmt numFmtId=\"",
        "formatCode=\"", "<cellXfs", "<xf numFmtId=\"", "date1904=\"1\"",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml", "xl/styles.xml", "XFD1048576",
      ]
    }
    return tokens.map { token in
      "\""
        + token.utf8.map { byte -> String in
          switch byte {
          case UInt8(ascii: "\""), UInt8(ascii: "\\"), ..<0x20, 0x7F...:
            "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
          default: String(Unicode.Scalar(byte))
          }
        }.joined() + "\""
    }.joined(separator: "\n") + "\n"
  }

  static let htmlFragments = [
    "<p>Mentorship for <strong>Roma</strong> job seekers &amp; employers.</p>",
    "<h1>Title</h1><h2>Part</h2><p>Text <a href=\"/en/more\">more</a> and <a href=\"#top\">top</a>.</p>",
    "<ul><li>one<li>two</ul><ol start=\"3\"><li>three</ol><dl><dt>a<dd>b</dl>",
    "<table><caption>c</caption><tr><th scope=\"col\">h<td colspan=\"2\" nowrap>d</table>",
    "<p onclick=\"alert(1)\" style=\"color:red\" lang=\"sv\" dir=\"ltr\">x</p>",
    "<a href=\"java&#x09;script:alert(1)\">x</a><a href=\" &#14; javascript:alert(1)\">y</a>",
    "<script>alert(1)</script><style>p{}</style><svg><circle/></svg><math><mi>x</mi></math>",
    "<template><p>t</p></template><noscript><p>n</p></noscript><iframe src=x></iframe>",
    "<img src=x onerror=alert(1)><picture><source srcset=x></picture>",
    "text with <!-- comment --> and <![CDATA[cdata]]> and &nbsp;&eacute;&#8211;&#x2014;",
    "<div><span>un<b>wrap</b>ped</span></div><section>s</section><article>a</article>",
    "<p>unclosed <em>emphasis <strong>and <a href=\"https://a.example/?q=1&x=2\">link",
    "<scr<script>ipt>alert(1)</script>",
    "<pre>  keep\n  lines </pre><code>&lt;tag&gt;</code><kbd>k</kbd>",
    "<p>a</p><p>b</p>c<br>d<hr>e",
    "<blockquote cite=\"x\"><q>q</q></blockquote><abbr title=\"t\">a</abbr>",
    "<a href=\"mailto:info@example.org\">m</a><a href=\"tel:+46 31 000\">t</a>",
    "<a href=\"HTTPS://EXAMPLE.ORG/\">u</a><a href=\"//cdn.example/x\">p</a>",
    "plain text only, no markup at all",
    "<html><head><title>t</title></head><body><p>b</p></body></html>",
  ]

  static let searches = [
    "q=roma", "q=rom%C3%A9+employment&lang=en", "q=diskriminering&lang=sv",
    "q=%22job+coach%22&raw=1", "q=NEAR(roma+work)&raw=true", "q=title:roma*&raw=1",
    "q=gitanos+j%C3%B3venes&lang=es", "q=%D0%A0%D0%BE%D0%BC%D0%B8&lang=sr-Cyrl",
    "theme=employment&country=se&sort=newest", "q=roma&page=2", "q=&since=2026-01-01",
    "city=Brussels&language=nl&kind=practice", "visit=foyer-roma-work-2&visit=x",
    "q=a+OR+b+AND+NOT+c", "q=%22%22%22", "q=*", "audience=roma&jurisdiction=eu&category=x",
  ]

  static let registries = [
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <opml version="2.0" xmlns:drom="https://w3id.org/drom/ns#"><head><title>t</title></head><body>
    <outline text="Sweden"><outline type="rss" text="A" xmlUrl="feeds/a.atom.xml" language="sv" drom:city="Göteborg" drom:country="se" drom:lau-year="2021"/></outline>
    <outline text="B" xmlUrl="javascript:alert(1)"/><outline text="C" xmlUrl="feeds/a.atom.xml"/>
    <outline text="D" xmlUrl="https://d.example/feed" language="not a tag" drom:country="XX" drom:allow-private="true"/>
    </body></opml>
    """,
    "<opml><body><outline xmlUrl=\"  \"/><outline title=\"t\" xmlUrl=\"file:///srv/feed.xml\"/></body></opml>",
    "<rss version=\"2.0\"/>",
  ]
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

import DromFeeds
import DromModel
import Foundation
import Testing

@Suite("Each syndication format is read into the same model")
struct FormatTests {
  @Test("An Atom 1.0 feed gives its entries, links resolved against xml:base")
  func atomFeed() throws {
    let result = read(
      atom(
        """
        <entry xml:lang="sv" xml:base="https://goteborg.example.se/projekt/">
          <id>tag:goteborg.example.se,2026:gransgangare</id>
          <title type="html">Gr&#228;nsg&#229;ngare &lt;b&gt;strategi&lt;/b&gt;</title>
          <updated>2026-02-01T10:00:00+01:00</updated>
          <published>2026-01-15T08:30:00Z</published>
          <link href="gransgangare"/>
          <summary>Icke-diskrimineringsstrategi</summary>
          <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Mål och <em>rutiner</em></p></div></content>
          <category scheme="https://w3id.org/drom/vocab/themes" term="anti-discrimination-law" label="Diskriminering"/>
          <author><name>Samordningsförbundet</name></author>
          <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type>
        </entry>
        """))
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    #expect(result.feed.format == .atom10)
    let entry = try #require(result.feed.entries.first)
    #expect(entry.id == "tag:goteborg.example.se,2026:gransgangare")
    #expect(entry.title == "Gränsgångare strategi")
    #expect(entry.language == LanguageTag("sv"))
    #expect(entry.canonicalLink == "https://goteborg.example.se/projekt/gransgangare")
    #expect(entry.updated == Date(timeIntervalSince1970: 1_769_936_400))
    #expect(entry.content?.html == "<p>Mål och <em>rutiner</em></p>")
    #expect(entry.categories.first?.label == "Diskriminering")
    #expect(entry.authors.first?.name == "Samordningsförbundet")
  }

  @Test("An RSS 2.0 feed from WordPress reads as a feed of practices")
  func rss20() throws {
    let result = read(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel><title>Roma@Work</title><link>https://romaatwork.example.be/</link><language>nl-BE</language>
      <item>
        <title>Digitale coaching</title><link>/digitale-coaching/</link>
        <guid isPermaLink="false">https://romaatwork.example.be/?p=42</guid>
        <pubDate>Mon, 02 Mar 2026 14:00:00 +0000</pubDate>
        <dc:creator>Foyer</dc:creator>
        <category>Werk</category><category domain="https://w3id.org/drom/vocab/themes">digital-skills</category>
        <description><![CDATA[<p>Korte samenvatting</p>]]></description>
        <content:encoded><![CDATA[<h2>Aanpak</h2><p>Coaching <strong>op maat</strong></p>]]></content:encoded>
      </item>
      </channel></rss>
      """)
    #expect(!result.diagnostics.hasErrors)
    #expect(result.feed.format == .rss20)
    let entry = try #require(result.feed.entries.first)
    #expect(entry.kind == .practice)
    #expect(result.codes == ["entry.no-kind"])
    #expect(entry.id == "https://romaatwork.example.be/?p=42")
    #expect(entry.canonicalLink == "https://romaatwork.example.be/digitale-coaching/")
    #expect(entry.language == LanguageTag("nl-BE"))
    #expect(entry.summary == "Korte samenvatting")
    #expect(entry.content?.html == "<h4>Aanpak</h4><p>Coaching <strong>op maat</strong></p>")
    #expect(entry.categories.map(\.term) == ["Werk", "digital-skills"])
    #expect(entry.categories[1].scheme == "https://w3id.org/drom/vocab/themes")
    #expect(entry.authors.first?.name == "Foyer")
    #expect(entry.published == Date(timeIntervalSince1970: 1_772_460_000))
  }

  @Test("An RSS description is the content when content:encoded is missing or blank")
  func descriptionAsContent() throws {
    for encoded in ["", "<content:encoded/>", "<content:encoded>  \n </content:encoded>"] {
      let result = read(
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
        <channel><title>Gränsgångare</title><link>https://grans.example.se/</link><language>sv</language>
        <item><title>Jobbcoacher</title><guid>urn:grans:1</guid>
          <pubDate>Mon, 02 Mar 2026 14:00:00 +0000</pubDate>
          <description><![CDATA[<p>Coacher för <em>romska</em> arbetssökande</p>]]></description>
          \(encoded)
        </item></channel></rss>
        """)
      let entry = try #require(result.feed.entries.first, "\(encoded)")
      #expect(entry.summary == "Coacher för romska arbetssökande", "\(encoded)")
      #expect(
        entry.content?.html == "<p>Coacher för <em>romska</em> arbetssökande</p>", "\(encoded)")
    }
  }

  @Test("An RSS 1.0 (RDF) feed reads its items and Dublin Core")
  func rss10() throws {
    let result = read(
      """
      <?xml version="1.0"?>
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://ref.example.rs/">
          <title>REF Serbia</title><link>https://ref.example.rs/</link><description>QualiROM</description>
          <dc:language>sr-Latn</dc:language>
        </channel>
        <item rdf:about="https://ref.example.rs/qualirom/prakse">
          <title>Prakse za mlade Rome</title><link>https://ref.example.rs/qualirom/prakse</link>
          <description>Stažiranje u kompanijama</description>
          <dc:date>2026-04-01T12:00:00+02:00</dc:date><dc:subject>zapošljavanje</dc:subject>
        </item>
      </rdf:RDF>
      """)
    #expect(!result.diagnostics.hasErrors)
    #expect(result.feed.format == .rss10)
    #expect(result.feed.title == "REF Serbia")
    let entry = try #require(result.feed.entries.first)
    #expect(entry.id == "https://ref.example.rs/qualirom/prakse")
    #expect(entry.language == LanguageTag("sr-Latn"))
    #expect(entry.categories.map(\.term) == ["zapošljavanje"])
    #expect(entry.published != nil)
  }

  @Test("An RSS 0.91 feed with the Netscape DTD and HTML entities is read, the DTD never loaded")
  func rss091() throws {
    let result = read(
      """
      <?xml version="1.0" encoding="ISO-8859-1"?>
      <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
      <rss version="0.91"><channel><title>Tracé</title><link>https://trace.example.be/</link><language>fr</language>
      <item><title>Caf&eacute; emploi</title><link>https://trace.example.be/cafe</link><description>Rencontres&nbsp;employeurs</description></item>
      </channel></rss>
      """)
    #expect(result.feed.format == .rss09x)
    #expect(result.codes.contains("xml.external-dtd"))
    #expect(result.codes.contains("xml.html-entity"))
    #expect(!result.diagnostics.hasErrors)
    let entry = try #require(result.feed.entries.first)
    #expect(entry.title == "Café emploi")
    #expect(entry.summary == "Rencontres employeurs")  // the no-break space, collapsed for search
  }

  @Test("Completeness and tombstones are read from the feed head")
  func historyAndTombstones() {
    let result = read(
      atom(
        """
        <fh:complete/>
        <at:deleted-entry ref="urn:test:old" when="2026-03-01T00:00:00Z"/>
        \(entry())
        """))
    #expect(result.feed.isComplete)
    #expect(
      result.feed.deletedEntries == [
        DeletedEntry(ref: "urn:test:old", when: Date(timeIntervalSince1970: 1_772_323_200))
      ])
    #expect(result.feed.entries.count == 1)
  }

  @Test("Entries stream one by one: the reader keeps none of them")
  func streaming() {
    var seen: [String] = []
    let reader = FeedReader(file: "stream.xml") { seen.append($0.id) }
    let document = atom((1...50).map { entry(id: "urn:test:\($0)") }.joined())
    // Push one byte at a time: entries still come out whole and in order.
    for byte in Data(document.utf8) { reader.push(Data([byte])) }
    let result = reader.finish()
    #expect(seen == (1...50).map { "urn:test:\($0)" })
    #expect(result.entryCount == 50)
    #expect(result.feed.entries.isEmpty)
  }
}

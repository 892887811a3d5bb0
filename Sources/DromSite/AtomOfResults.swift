import DromStore
import Foundation

/// A list of entries as an Atom feed (RFC 4287): a search, so a planner can subscribe to
/// "employment Roma in Belgium", or the newest entries of a theme, a city, a country. The live
/// service and the static export write the same feed.
public enum AtomOfResults {
  /// - Parameters:
  ///   - selfURL: the feed's own absolute address, also its id.
  ///   - pageURL: the absolute address of the page that lists the same entries.
  ///   - base: the directory's absolute address, for the entries' pages.
  public static func render(
    _ results: SearchResults, language: String, title: String, selfURL: String, pageURL: String,
    base: String
  ) -> String {
    let formatter = ISO8601DateFormatter()
    let newest = results.hits.compactMap(\.updated).max() ?? Date(timeIntervalSince1970: 0)
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(XMLText.escape(language))">
      <title>\(XMLText.escape(title))</title>
      <id>\(XMLText.escape(selfURL))</id>
      <updated>\(formatter.string(from: newest))</updated>
      <link rel="self" href="\(XMLText.escape(selfURL))"/>
      <link rel="alternate" type="text/html" href="\(XMLText.escape(pageURL))"/>

      """
    for hit in results.hits {
      let page = "\(base)/\(language)/entry/\(hit.slug)"
      xml += """
        <entry\(hit.language.map { " xml:lang=\"\(XMLText.escape($0))\"" } ?? "")>
          <id>\(XMLText.escape(page))</id>
          <title>\(XMLText.escape(hit.title))</title>
          <updated>\(formatter.string(from: hit.updated ?? newest))</updated>
          <link href="\(XMLText.escape(page))"/>
          <author><name>\(XMLText.escape(hit.sourceTitle))</name></author>
          <category term="\(XMLText.escape(hit.kind))" scheme="https://w3id.org/drom/vocab/kinds"/>
          <summary>\(XMLText.escape(hit.snippet))</summary>
        </entry>

        """
    }
    return xml + "</feed>\n"
  }
}

/// Text and attribute values for XML written by hand.
public enum XMLText {
  /// Escaped, and without the characters XML 1.0 cannot hold at all (most C0 controls,
  /// U+FFFE, U+FFFF), which a JSON Feed's escapes can bring in.
  public static func escape(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out.append(contentsOf: "&amp;".unicodeScalars)
      case "<": out.append(contentsOf: "&lt;".unicodeScalars)
      case ">": out.append(contentsOf: "&gt;".unicodeScalars)
      case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
      case "\t", "\n", "\r": out.append(scalar)
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": continue
      default: out.append(scalar)
      }
    }
    return String(out)
  }
}

/// Fields of CSV (RFC 4180) that a spreadsheet opens safely.
public enum CSV {
  /// A leading =, +, -, @, tab or carriage return is prefixed with ' so spreadsheets do not
  /// run the cell as a formula (OWASP's list).
  public static func field(_ value: String) -> String {
    var value = value
    if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
      value = "'" + value
    }
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return value
    }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  public static func row(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }
}

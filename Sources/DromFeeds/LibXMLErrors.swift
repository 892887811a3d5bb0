import CLibXML2
import DromModel

extension XMLStreamParser {
  /// Turns libxml2's own reports into diagnostics with codes a partner can look up.
  func libxmlError(_ error: xmlError) {
    guard !stopped else { return }
    let level = error.level
    let reason =
      error.message.map { String(cString: $0) }?
      .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown problem"
    let at = (line: Int(error.line), column: Int(error.int2))
    let code = Int(error.code)
    switch code {
    case Int(XML_ERR_UNDECLARED_ENTITY.rawValue), Int(XML_WAR_UNDECLARED_ENTITY.rawValue):
      let entityName = error.str1.map { String(cString: $0) } ?? reason
      diagnostics.add(
        .error, "xml.undefined-entity", line: at.line, column: at.column,
        "the entity '&\(entityName);' is not defined: write the character itself, or '&amp;' for an ampersand"
      )
    case Int(XML_ERR_DOCUMENT_EMPTY.rawValue):
      diagnostics.add(
        .error, "feed.empty", line: at.line, column: at.column,
        "the document is empty: publish a feed with a root <feed> (Atom) or <rss> element")
    case Int(XML_ERR_UNKNOWN_ENCODING.rawValue), Int(XML_ERR_UNSUPPORTED_ENCODING.rawValue),
      Int(XML_I18N_CONV_FAILED.rawValue), Int(XML_ERR_INVALID_ENCODING.rawValue):
      diagnostics.add(
        .error, "xml.encoding", line: at.line, column: at.column,
        "the text cannot be read in the declared character encoding (\(reason)): save the feed as UTF-8 and declare <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      )
    default:
      if reason.contains("not proper UTF-8") || reason.contains("encoding") {
        diagnostics.add(
          .error, "xml.encoding", line: at.line, column: at.column,
          "the text cannot be read in the declared character encoding (\(reason)): save the feed as UTF-8 and declare <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        )
      } else if level == XML_ERR_WARNING {
        return
      } else {
        diagnostics.add(
          .error, "xml.malformed", line: at.line, column: at.column,
          "the feed is not well-formed XML: \(reason). Every tag must be closed, and '&' written as '&amp;'"
        )
      }
    }
    if level == XML_ERR_FATAL { stopped = true }
  }
}

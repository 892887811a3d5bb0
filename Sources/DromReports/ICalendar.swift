import DromModel
import Foundation

/// Writes iCalendar (RFC 5545) text: property values escaped (§3.3.11), lines folded at 75
/// octets without splitting a UTF-8 sequence (§3.1), CRLF line ends.
struct ICalendar {
  private(set) var text = ""

  /// A property whose value is TEXT: backslash, semicolon, comma and line breaks escaped.
  mutating func text(_ name: String, _ value: String) {
    var escaped = ""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\\": escaped += "\\\\"
      case ";": escaped += "\\;"
      case ",": escaped += "\\,"
      case "\n": escaped += "\\n"
      case "\r": continue
      default:
        // Control characters are not allowed in TEXT (§3.3.11); tab is.
        if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F { continue }
        escaped.unicodeScalars.append(scalar)
      }
    }
    line(name + ":" + escaped)
  }

  /// A property written as given: dates, URIs, enumerated values.
  mutating func raw(_ name: String, _ value: String) {
    line(name + ":" + value.filter { !$0.isNewline })
  }

  mutating func begin(_ component: String) { line("BEGIN:" + component) }
  mutating func end(_ component: String) { line("END:" + component) }

  /// Folds a content line: at most 75 octets a line, continuation lines starting with a space.
  private mutating func line(_ content: String) {
    var octets = 0
    var limit = 75
    var folded = String.UnicodeScalarView()
    for scalar in content.unicodeScalars {
      let size = String(scalar).utf8.count
      if octets + size > limit {
        folded.append(contentsOf: "\r\n ".unicodeScalars)
        octets = 0
        limit = 74  // the leading space counts
      }
      folded.append(scalar)
      octets += size
    }
    text += String(folded)
    text += "\r\n"
  }

  static func date(_ date: Date) -> String {
    CivilDate.day(date).replacingOccurrences(of: "-", with: "")
  }

  static func timestamp(_ date: Date) -> String {
    CivilDate.timestamp(date).filter { $0 != "-" && $0 != ":" }
  }
}

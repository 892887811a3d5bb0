import Foundation

/// An address book in vCard 3.0 or 4.0 (RFC 2426, RFC 6350), read as a sheet with one row per
/// card and a column per field the contacts profile knows: `title` and `contact.name` (FN),
/// `contact.organisation` (ORG), `contact.role` (ROLE, else TITLE), `contact.email`,
/// `contact.phone`, `contact.url`, `contact.address` (ADR, or its LABEL), `contact.languages`
/// (LANG), `city` and `country` (from ADR), `summary` (NOTE), `id` (UID), and consent from
/// `X-DROM-CONSENT:recorded/expires` (ISO dates).
struct VCardSheet: SheetSource {
  static let columns = [
    "title", "contact.name", "contact.organisation", "contact.role", "contact.email",
    "contact.phone", "contact.url", "contact.address", "contact.languages", "city", "country",
    "summary", "id", "contact.consent", "contact.consent-expires",
  ]

  let file: String
  let text: String

  var sheetNames: [String] { [""] }

  init(path: String) throws {
    file = (path as NSString).lastPathComponent
    text = CSVSheet.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  init(file: String, text: String) {
    self.file = file
    self.text = text
  }

  func read(sheet: String, row: (SheetRow) throws -> Void) throws {
    try row(SheetRow(number: 0, cells: Self.columns))
    // Unfold (a line starting with a space or tab continues the one before).
    var lines: [(number: Int, text: String)] = []
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .enumerated()
    {
      if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
        lines[lines.count - 1].text += line.dropFirst()
      } else {
        lines.append((index + 1, String(line)))
      }
    }
    var card: [String: [String]]?
    var cardLine = 0
    var cards = 0
    for (number, line) in lines {
      guard let colon = Self.valueStart(line) else { continue }
      let head = line[..<colon]
      let value = String(line[line.index(after: colon)...])
      let parts = head.split(separator: ";")
      // A group prefix (`item1.EMAIL`) names nothing Drom needs.
      let name = (parts.first.map { $0.split(separator: ".").last ?? $0 } ?? "").uppercased()
      switch name {
      case "BEGIN" where value.uppercased() == "VCARD":
        card = [:]
        cardLine = number
      case "END" where value.uppercased() == "VCARD":
        if let done = card {
          cards += 1
          try row(
            SheetRow(
              number: cardLine, cells: Self.columns.map { done[$0]?.joined(separator: "; ") ?? "" })
          )
        }
        card = nil
      default:
        guard card != nil else { continue }
        func add(_ column: String, _ text: String) {
          let text = text.trimmed()
          guard !text.isEmpty else { return }
          card![column, default: []].append(text)
        }
        let fields = Self.split(value, on: ";")
        switch name {
        case "FN":
          add("title", Self.unescape(value))
          add("contact.name", Self.unescape(value))
        case "ORG":
          add(
            "contact.organisation",
            fields.map(Self.unescape).filter { !$0.isEmpty }.joined(separator: ", "))
        case "ROLE", "TITLE":
          if card!["contact.role"] == nil { add("contact.role", Self.unescape(value)) }
        case "EMAIL": add("contact.email", Self.unescape(value))
        case "TEL":
          add("contact.phone", Self.unescape(value).replacingOccurrences(of: "tel:", with: ""))
        case "URL": add("contact.url", Self.unescape(value))
        case "LANG": add("contact.languages", Self.unescape(value))
        case "NOTE": add("summary", Self.unescape(value))
        case "UID": add("id", Self.unescape(value))
        case "ADR":
          // post office box; extended; street; locality; region; postal code; country
          let parts = fields.map(Self.unescape)
          add("contact.address", parts.filter { !$0.isEmpty }.joined(separator: ", "))
          if parts.count > 3 { add("city", parts[3]) }
          if parts.count > 6 { add("country", parts[6]) }
        case "X-DROM-CONSENT":
          let dates = value.split(separator: "/").map(String.init)
          if dates.count == 2 {
            add("contact.consent", dates[0])
            add("contact.consent-expires", dates[1])
          }
        default: break
        }
      }
    }
    if cards == 0 {
      throw ImportProblem(
        .error, "import.no-cards", at: SheetLocation(file: file),
        "no vCard (BEGIN:VCARD … END:VCARD) was found: export the contacts as vCard 3.0 or 4.0 (.vcf)"
      )
    }
  }

  /// Where the value starts: the first colon outside a quoted parameter value.
  static func valueStart(_ line: String) -> String.Index? {
    var quoted = false
    for index in line.indices {
      switch line[index] {
      case "\"": quoted.toggle()
      case ":" where !quoted: return index
      default: continue
      }
    }
    return nil
  }

  /// Splits a structured value on unescaped separators.
  static func split(_ value: String, on separator: Character) -> [String] {
    var parts: [String] = []
    var current = ""
    var escaped = false
    for character in value {
      if escaped {
        current.append("\\")
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == separator {
        parts.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current)
    return parts
  }

  static func unescape(_ value: String) -> String {
    var out = ""
    var escaped = false
    for character in value {
      if escaped {
        out.append(character == "n" || character == "N" ? "\n" : character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else {
        out.append(character)
      }
    }
    return out
  }
}

import Crypto
import DromModel
import DromText
import DromVocabulary
import Foundation
import Synchronization

/// Maps one sheet's rows to entries: finds the profile's columns in the header, then reads each
/// row, resolving labels through the vocabularies and checking what the feed profile requires.
struct RowMapper {
  let profile: ImportProfile
  let vocabulary: Vocabulary
  let base: SheetLocation
  let now: Date
  /// Field → the column it is read from, and that column's header.
  private(set) var columns: [String: (index: Int, name: String)] = [:]
  private(set) var translationColumns: [String: [String: (index: Int, name: String)]] = [:]
  private(set) var problems: [ImportProblem] = []
  let language: String
  let kind: EntryKind?
  let idColumn: (index: Int, name: String)?
  let idFrom: [(index: Int, name: String)]
  /// Labels already resolved: a sheet repeats a few dozen of them in every row.
  private let resolved = ResolvedLabels()

  init(
    profile: ImportProfile, vocabulary: Vocabulary, header: SheetRow, location: SheetLocation,
    isVCard: Bool, now: Date
  ) throws {
    self.profile = profile
    self.vocabulary = vocabulary
    var location = location
    if isVCard { location.rowWord = "card at line" }
    self.base = location
    self.now = now
    language = profile.feed.language
    let normalised = header.cells.map(Self.normalise)
    func find(_ names: [String]) -> (index: Int, name: String)? {
      for name in names {
        if let index = normalised.firstIndex(of: Self.normalise(name)) {
          return (index, header.cells[index])
        }
      }
      return nil
    }
    var missing: [(field: String, names: [String])] = []
    // A vCard's columns are the fields themselves.
    let mapping: [String: ImportProfile.Columns] =
      isVCard
      ? Dictionary(
        uniqueKeysWithValues: VCardSheet.columns.filter { $0 != "id" }.map {
          ($0, ImportProfile.Columns([$0]))
        }) : profile.columns
    for (field, candidates) in mapping {
      if let column = find(candidates.names) {
        columns[field] = column
      } else {
        missing.append((field, candidates.names))
      }
    }
    for (language, fields) in profile.translations {
      for (field, candidates) in fields {
        if let column = find(candidates.names) {
          translationColumns[language, default: [:]][field] = column
        } else {
          missing.append(("translations.\(language).\(field)", candidates.names))
        }
      }
    }
    let available = header.cells.filter { !$0.isEmpty }.map { "'\($0)'" }.joined(separator: ", ")
    let headerAt = SheetLocation(file: location.file, sheet: location.sheet, row: header.number)
    for (field, names) in missing.sorted(by: { $0.field < $1.field }) where !isVCard {
      let required = field == "title" && profile.constants["title"] == nil
      problems.append(
        ImportProblem(
          required ? .error : .warning, required ? "import.missing-column" : "import.no-column",
          at: headerAt,
          "the header has no column \(names.map { "'\($0)'" }.joined(separator: " or ")) for \(field)\(required ? ", which every entry needs" : "; it is left empty"): its columns are \(available) (check the profile's columns: and header-row:)"
        ))
    }
    if isVCard {
      idColumn = find(["id"])  // the card's UID
    } else if let column = profile.id.column {
      idColumn = find([column])
      if idColumn == nil && !isVCard {
        problems.append(
          ImportProblem(
            .error, "import.missing-column", at: headerAt,
            "the header has no column '\(column)' for the ids (id.column): its columns are \(available)"
          ))
      }
    } else {
      idColumn = nil
    }
    idFrom = (profile.id.from ?? []).compactMap { find([$0]) }
    if let fixed = profile.constants["kind"] ?? Optional(profile.kind), columns["kind"] == nil {
      kind = Self.kind(fixed)
      if kind == nil {
        throw ImportProfile.Problem(
          file: profile.file,
          message:
            "kind: '\(fixed)' is not a kind; use practice, organisation, person, law, material, finding or event"
        )
      }
    } else {
      kind = nil
    }
  }

  static func normalise(_ name: String) -> String {
    Folding.fold(name).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  static func kind(_ text: String) -> EntryKind? {
    EntryKind(rawValue: text.lowercased().trimmed())
  }

  func location(row: Int, field: String? = nil) -> SheetLocation {
    var location = base
    location.row = row
    if let field, let column = columns[field] {
      // A card has fields, not lettered columns.
      location.column = base.rowWord == "row" ? column.index : nil
      location.columnName = column.name
    }
    return location
  }

  /// The entries of one row (the entry and its translations), the problems found in it, and
  /// whether it was left out on purpose.
  func entries(for row: SheetRow) -> (entries: [Entry], problems: [ImportProblem], leftOut: Bool) {
    var problems: [ImportProblem] = []
    func problem(
      _ severity: ImportProblem.Severity, _ code: String, _ field: String?, _ message: String
    ) {
      problems.append(
        ImportProblem(severity, code, at: location(row: row.number, field: field), message))
    }
    func cell(_ field: String) -> String? {
      if let column = columns[field] {
        let value =
          column.index < row.cells.count
          ? row.cells[column.index].trimmed() : ""
        if !value.isEmpty { return value }
      }
      return profile.constants[field].flatMap { $0.isEmpty ? nil : $0 }
    }
    let rowLanguage = cell("language") ?? language
    guard let title = cell("title") else {
      problem(.error, "import.no-title", "title", "the row has no title: every entry needs one")
      return ([], problems, false)
    }
    var rowKind = kind
    if rowKind == nil {
      if let text = cell("kind") {
        rowKind = Self.kind(text) ?? resolveKind(text)
        if rowKind == nil {
          problem(
            .error, "import.unknown-kind", "kind",
            "'\(text)' is not a kind of entry: use practice, organisation, person, law, material, finding or event"
          )
        }
      } else {
        problem(.error, "import.no-kind", "kind", "the row has no kind, and the profile gives none")
      }
    }
    let kind = rowKind ?? .practice
    var entry = Entry(id: "", kind: kind, title: title, line: row.number)
    entry.language = LanguageTag(rowLanguage)
    entry.id = id(
      row: row, kind: kind, title: title,
      problem: { problem(.error, "import.no-id", profile.id.column.map { _ in "id" }, $0) })
    entry.summary = cell("summary")
    if let content = cell("content") {
      let paragraphs = content.split(separator: "\n").map {
        $0.trimmed()
      }
      .filter { !$0.isEmpty }
      entry.content = RichText(
        html: paragraphs.map { "<p>" + FeedWriter.escape($0) + "</p>" }.joined(),
        text: paragraphs.joined(separator: "\n"))
    }
    if let link = cell("link") {
      if link.hasPrefix("https://") || link.hasPrefix("http://") {
        entry.links.append(Link(href: link))
      } else {
        problem(
          .error, "import.bad-link", "link",
          "'\(link)' is not a web address: write it in full, starting with https://")
      }
    }
    // Categories, through the vocabularies.
    for (field, scheme) in FeedWriter.schemes {
      for label in Self.list(cell(field)) {
        if let term = resolve(
          label, scheme: scheme, field: field,
          problem: { problem(.error, "import.unknown-concept", field, $0) })
        {
          entry.categories.append(Category(term: term, scheme: scheme, label: label))
        }
      }
    }
    for label in Self.list(cell("target-groups")) {
      if let term = resolve(
        label, scheme: "https://w3id.org/drom/vocab/target-groups", field: "target-groups",
        problem: { problem(.error, "import.unknown-concept", "target-groups", $0) })
      {
        entry.audiences.append("https://w3id.org/drom/vocab/target-groups/\(term)")
      }
    }
    for tag in Self.list(cell("tags")) { entry.categories.append(Category(term: tag)) }
    // The place.
    let country = cell("country").flatMap { text -> String? in
      if let code = Self.countryCode(text, language: rowLanguage) { return code }
      problem(
        .error, "import.bad-country", "country",
        "'\(text)' is not a country: write its two-letter code (SE, BE, RS, GR…) or its name")
      return nil
    }
    if cell("city") != nil || country != nil || cell("nuts") != nil {
      entry.places.append(
        Place(
          name: cell("city")
            ?? country.flatMap {
              Locale(identifier: rowLanguage).localizedString(forRegionCode: $0)
            },
          country: country, nuts: cell("nuts"), lau: cell("lau")))
    }
    // Dates.
    func date(_ field: String) -> Date? {
      guard let text = cell(field) else { return nil }
      if let date = DateCell.parse(text, monthFirst: profile.monthFirst) { return date }
      problem(
        .error, "import.bad-date", field,
        "'\(text)' is not a date: write it as 2026-03-01 (or 1.3.2026), or format the cell as a date"
      )
      return nil
    }
    entry.updated = date("updated")
    entry.published = date("published")
    let start = date("start")
    let end = date("end")
    if start != nil || end != nil { entry.temporal = Period(start: start, end: end) }
    if let start, let end, end < start {
      problem(.error, "import.bad-period", "end", "the end comes before the start")
    }
    // Laws.
    if let jurisdiction = cell("jurisdiction") {
      let value = Self.jurisdiction(jurisdiction)
      if value == nil {
        problem(
          .error, "import.bad-jurisdiction", "jurisdiction",
          "'\(jurisdiction)' is not a level: use city, region, country or eu")
      }
      entry.legal = LegalInfo(jurisdiction: value)
    }
    if let eli = cell("eli") {
      entry.identifiers.append(eli)
      entry.legal = entry.legal ?? LegalInfo()
      entry.legal?.eli = eli
    }
    entry.identifiers += Self.list(cell("identifier"), separators: [";", "\n"])
    entry.evidence = Self.list(cell("evidence"), separators: ["\n"])
    entry.outcomes = Self.list(cell("outcome"), separators: ["\n"])
    entry.funding = Self.list(cell("funding"), separators: ["\n"])
    entry.source = cell("source")
    entry.isPartOf = cell("part-of")
    entry.license = cell("licence")
    // The contact card: a person needs recorded consent that holds.
    var leftOut = false
    if let card = contact(
      cell: cell, date: date,
      problem: { severity, field, message in
        problem(
          severity, severity == .error ? "import.bad-consent" : "import.no-consent", field, message)
      })
    {
      if card.isPersonal, card.consent == nil {
        if kind == .person { leftOut = true }
      } else {
        entry.contacts.append(card)
      }
    }
    if kind == .person && entry.contacts.isEmpty && !leftOut {
      problem(
        .error, "import.person-without-card", "contact.name",
        "a person needs a contact card: map contact.name (and contact.consent) in the profile")
    }
    if leftOut { return ([], problems, true) }
    // Translations: an entry of their own each, pointing at the original.
    var entries = [entry]
    for (translation, fields) in translationColumns.sorted(by: { $0.key < $1.key }) {
      func translated(_ field: String) -> String? {
        guard let column = fields[field], column.index < row.cells.count else { return nil }
        let value = row.cells[column.index].trimmed()
        return value.isEmpty ? nil : value
      }
      guard let title = translated("title") else { continue }
      var copy = entry
      copy.id = entry.id + "/" + translation
      copy.language = LanguageTag(translation)
      copy.title = title
      copy.summary = translated("summary")
      copy.content = translated("content").map {
        RichText(html: "<p>" + FeedWriter.escape($0) + "</p>", text: $0)
      }
      if let link = translated("link") { copy.links = [Link(href: link, hreflang: translation)] }
      copy.translationOf = entry.id
      entries.append(copy)
    }
    return (entries, problems, false)
  }

  /// The card of the row, if it names anyone: a person (a name) must have consent recorded and
  /// holding today; without, the card is dropped with a warning naming the row.
  private func contact(
    cell: (String) -> String?, date: (String) -> Date?,
    problem: (ImportProblem.Severity, String?, String) -> Void
  ) -> Contact? {
    let name = cell("contact.name")
    let organisation = cell("contact.organisation")
    let emails = Self.list(cell("contact.email"))
    let phones = Self.list(cell("contact.phone"))
    guard name != nil || organisation != nil || !emails.isEmpty || !phones.isEmpty else {
      return nil
    }
    var card = Contact(
      kind: name == nil ? .org : .individual, formattedName: name, organisation: organisation,
      role: cell("contact.role"), emails: emails, phones: phones,
      urls: Self.list(cell("contact.url")),
      languages: Self.list(cell("contact.languages")).compactMap { LanguageTag($0) },
      address: cell("contact.address"))
    guard let name else { return card }
    let recorded = date("contact.consent")
    let expires = date("contact.consent-expires")
    guard let recorded, let expires else {
      problem(
        .warning, "contact.consent",
        "\(name) has no recorded consent (contact.consent and contact.consent-expires), so the card is left out of the feed: record when the person agreed, and until when"
      )
      return card  // without consent: the caller leaves it out
    }
    guard recorded <= now, now < expires else {
      problem(
        .warning, "contact.consent-expires",
        "the consent of \(name) is not valid today (\(FeedWriter.day(recorded)) to \(FeedWriter.day(expires))), so the card is left out of the feed: renew it and update the dates"
      )
      return card
    }
    card.consent = Consent(recorded: recorded, expires: expires)
    return card
  }

  /// The entry's id: the id column's cell under the feed's tag authority, or a hash of the
  /// `id.from` columns (the title by default), which moving rows does not change.
  private func id(row: SheetRow, kind: EntryKind, title: String, problem: (String) -> Void)
    -> String
  {
    let authority = Self.authority(profile.feed.id)
    if let idColumn {
      let value =
        idColumn.index < row.cells.count
        ? row.cells[idColumn.index].trimmed() : ""
      if value.isEmpty {
        problem(
          "the row has no id in column '\(idColumn.name)': give every row its own, which never changes"
        )
      }
      // A URI already, which has no spaces or control characters (a backspace would make two
      // ids for the importer that the feed writes as one).
      if value.contains(":"),
        !value.unicodeScalars.contains(where: {
          $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
        })
      {
        return value
      }
      return authority + "\(kind.rawValue)/" + Self.idSegment(value)
    }
    let parts =
      idFrom.isEmpty
      ? [title]
      : idFrom.map { column in
        column.index < row.cells.count ? row.cells[column.index] : ""
      }
    let key = parts.map { Self.normalise($0) }.joined(separator: "\u{1F}")
    let hash = Hex.string(SHA256.hash(data: Data(key.utf8)).prefix(8))
    return authority + "\(kind.rawValue)/\(hash)"
  }

  /// `tag:gransgangare.example.org,2026:practices` → `tag:gransgangare.example.org,2026:`; any
  /// other id gets `#` after it.
  static func authority(_ feedID: String) -> String {
    if feedID.hasPrefix("tag:"), let colon = feedID.dropFirst(4).firstIndex(of: ":") {
      return String(feedID[...colon])
    }
    return feedID + "#"
  }

  static func idSegment(_ value: String) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      if CharacterSet.alphanumerics.contains(scalar) || "-._~".unicodeScalars.contains(scalar) {
        out.unicodeScalars.append(scalar)
      } else {
        out += String(format: "%%%02X", scalar.value & 0xFF)
      }
    }
    return out
  }

  /// A label (in any language) or term of a scheme's concept; nil, with a problem that names
  /// the closest labels in the sheet's language, when there is none.
  private func resolve(_ label: String, scheme: String, field: String, problem: (String) -> Void)
    -> String?
  {
    let key = scheme + "\u{1F}" + label
    if let known = resolved.terms[key] { return known }
    let term = resolveAnew(label, scheme: scheme, field: field, problem: problem)
    if let term { resolved.terms[key] = term }
    return term
  }

  private func resolveAnew(
    _ label: String, scheme: String, field: String, problem: (String) -> Void
  ) -> String? {
    let direct = scheme + "/" + label.lowercased()
    if vocabulary.concepts[direct] != nil { return label.lowercased() }
    let found = vocabulary.concepts(forLabel: label, language: language)
      .filter { $0.hasPrefix(scheme + "/") }.sorted()
    if let uri = found.first { return String(uri.split(separator: "/").last ?? "") }
    let closest = vocabulary.closestConcepts(to: label, limit: 8)
      .filter { $0.hasPrefix(scheme + "/") }.prefix(3)
      .compactMap { uri in
        vocabulary.concepts[uri].map { "\(vocabulary.label($0, language: language)) (\($0.term))" }
      }
    let schemeName = field.replacingOccurrences(of: "-", with: " ")
    problem(
      "'\(label)' is not one of the \(schemeName)"
        + (closest.isEmpty
          ? "; `drom vocab show \(field)` lists them"
          : "; closest: \(closest.joined(separator: ", "))"))
    return nil
  }

  private func resolveKind(_ text: String) -> EntryKind? {
    vocabulary.concepts(forLabel: text, language: language)
      .first { $0.hasPrefix("https://w3id.org/drom/vocab/kinds/") }
      .flatMap { EntryKind(rawValue: String($0.split(separator: "/").last ?? "")) }
  }

  static func jurisdiction(_ text: String) -> LegalInfo.Jurisdiction? {
    switch Folding.fold(text) {
    case "city", "municipality", "local", "stad", "kommun", "ville", "stad/gemeente", "grad",
      "ciudad", "citta", "oras", "by":
      .city
    case "region", "regional", "province", "pokrajina", "comunidad autonoma", "regione",
      "landsting":
      .region
    case "country", "national", "state", "nationell", "nationale", "nacional", "nazionale",
      "drzava", "republika":
      .country
    case "eu", "european union", "union europeenne", "europeiska unionen", "evropska unija",
      "union europea", "unione europea":
      .eu
    default: LegalInfo.Jurisdiction(rawValue: text.lowercased())
    }
  }

  /// A cell's list: split on ; (else , when there is no ;), or the separators given.
  static func list(_ text: String?, separators: [Character]? = nil) -> [String] {
    guard let text else { return [] }
    let splitters =
      separators ?? (text.contains(";") ? [";"] : text.contains("\n") ? ["\n"] : [","])
    return text.split(whereSeparator: { splitters.contains($0) })
      .map { $0.trimmed() }.filter { !$0.isEmpty }
  }

  /// A two-letter code, or a country's name in the sheet's language or English.
  static func countryCode(_ text: String, language: String) -> String? {
    let trimmed = text.trimmed()
    if trimmed.count == 2, trimmed.allSatisfy(\.isLetter) {
      let code = trimmed.uppercased()
      return code == "UK" ? "GB" : code == "EL" ? "GR" : code
    }
    if Folding.fold(trimmed) == "eu"
      || Folding.fold(trimmed).contains("europe") && Folding.fold(trimmed).contains("uni")
    {
      return "EU"
    }
    return countryNames(extra: language)[Folding.fold(trimmed)]
  }

  /// Folded country names in the sheet's language, English and the partner languages → code.
  static func countryNames(extra language: String) -> [String: String] {
    let key = language
    if let cached = countryNameCache.withLock({ $0[key] }) { return cached }
    var names: [String: String] = [:]
    let languages =
      [language, String(language.prefix(2)), "en"] + [
        "fr", "de", "nl", "sv", "da", "es", "it", "el", "ro", "hu", "bg", "sr", "sr-Latn",
        "sr-Cyrl",
      ]
    for identifier in languages.reversed() {  // the sheet's own language wins
      let locale = Locale(identifier: identifier)
      for region in Locale.Region.isoRegions {
        if let name = locale.localizedString(forRegionCode: region.identifier) {
          names[Folding.fold(name)] = region.identifier
        }
      }
    }
    countryNameCache.withLock { $0[key] = names }
    return names
  }
}

private let countryNameCache = Mutex<[String: [String: String]]>([:])

final class ResolvedLabels {
  var terms: [String: String] = [:]
}

import DromModel
import Foundation

/// Applies the Drom profile's extension elements (DCTERMS, xCard, the project namespace) to an
/// entry, whatever its format, and checks what each kind needs.
enum ProfileAdapter {
  /// Returns nil when the entry must not be kept (a person without valid consent).
  static func apply(
    to entry: consuming Entry, node: XMLNode, label: EntryLabel, context: AdapterContext
  ) -> Entry? {
    let dcterms = DCTermsElements(node)
    let drom = DromElements(node)
    entry.kind = kind(dcterms.types, label: label, node: node, context: context)
    entry.audiences = dcterms.audiences
    entry.places = dcterms.spatial.compactMap { place($0, label: label, context: context) }
    entry.resourceLanguages = dcterms.languages.compactMap { languageNode in
      languageNode.trimmedText.flatMap {
        language($0, label: label, at: languageNode, context: context)
      }
    }
    entry.identifiers = dcterms.identifiers
    entry.license = dcterms.license
    entry.rights = dcterms.rights ?? entry.rights
    entry.source = dcterms.source
    entry.isPartOf = dcterms.isPartOf
    entry.translationOf = dcterms.isVersionOf
    if let temporal = dcterms.temporal {
      entry.temporal = period(temporal, label: label, context: context)
    }
    entry.outcomes = drom.outcomes
    entry.evidence = drom.evidence
    entry.funding = drom.funding
    entry.contacts = XCard.all(in: node).compactMap {
      ContactAdapter.contact($0, label: label, context: context)
    }
    return checkKind(entry, node: node, drom: drom, label: label, context: context)
  }

  private static func checkKind(
    _ entry: consuming Entry, node: XMLNode, drom: DromElements, label: EntryLabel,
    context: AdapterContext
  ) -> Entry? {
    switch entry.kind {
    case .person:
      guard entry.contacts.contains(where: \.isPersonal) else {
        context.diagnostics.error(
          "person.no-consent", at: node,
          "\(label) describes a person but has no contact card with valid consent, so it was left out: add a <vcard> of kind individual with <drom:consent recorded=\"…\" expires=\"…\"/>"
        )
        return nil
      }
    case .law:
      entry.legal = legal(entry.identifiers, jurisdiction: drom.jurisdiction, context: context)
      if entry.legal?.eli == nil, entry.legal?.celex == nil, entry.legal?.nationalIdentifier == nil
      {
        context.diagnostics.warning(
          "law.no-identifier", at: node,
          "\(label) is a law or policy without an identifier: add <dcterms:identifier> with its ELI address (http://data.europa.eu/eli/…), CELEX:… number or national reference"
        )
      }
      if entry.legal?.jurisdiction == nil {
        context.diagnostics.warning(
          "law.no-jurisdiction", at: node,
          "\(label) does not say where it applies: add <drom:jurisdiction>city</drom:jurisdiction> (or region, country, eu)"
        )
      }
    case .finding:
      if !entry.places.contains(where: { $0.name != nil }) {
        context.diagnostics.warning(
          "finding.no-city", at: node,
          "\(label) is a round-table finding without its city: add <dcterms:spatial drom:country=\"SE\">Göteborg</dcterms:spatial>"
        )
      }
    case .event:
      if entry.temporal?.start == nil {
        context.diagnostics.warning(
          "event.no-date", at: node,
          "\(label) is an event without a start: add <dcterms:temporal>start=2026-05-12T09:00:00+02:00; end=2026-05-12T16:00:00+02:00</dcterms:temporal>"
        )
      }
    case .practice, .organisation, .material:
      break
    }
    return entry
  }

  static func kind(_ types: [String], label: EntryLabel, node: XMLNode, context: AdapterContext)
    -> EntryKind
  {
    guard let first = types.first else {
      context.diagnostics.note(
        "entry.no-kind", at: node,
        "\(label) does not say what kind of entry it is, so it is read as a good practice: add <dcterms:type>https://w3id.org/drom/vocab/kinds/practice</dcterms:type> (or organisation, person, law, material, finding, event)"
      )
      return .practice
    }
    if let kind = types.lazy.compactMap(EntryKind.init(typeValue:)).first { return kind }
    context.diagnostics.warning(
      "entry.unknown-kind", at: node,
      "\(label) has the type '\(first)', which is not one of Drom's kinds, so it is read as a good practice: use \(EntryKind.schemeURI)/ followed by practice, organisation, person, law, material, finding or event"
    )
    return .practice
  }

  static func language(
    _ raw: String?, label: EntryLabel, at node: some DiagnosticPlace, context: AdapterContext
  )
    -> LanguageTag?
  {
    guard let raw, !raw.isEmpty else {
      context.diagnostics.warning(
        "entry.no-language", at: node,
        "\(label) does not say its language, so search cannot stem it: add xml:lang=\"sv\" to the entry or the feed (RSS: <language>sv</language>)"
      )
      return nil
    }
    guard let tag = context.languageTag(raw) else {
      context.diagnostics.warning(
        "entry.bad-language", at: node,
        "\(label): '\(raw)' is not a language tag: use a BCP 47 tag such as 'sv', 'nl-BE' or 'sr-Latn'"
      )
      return nil
    }
    return tag
  }

  static func place(_ raw: RawSpatial, label: EntryLabel, context: AdapterContext) -> Place? {
    var place = Place(name: raw.name, nuts: raw.nuts, lau: raw.lau, localCode: raw.localCode)
    var country = raw.country
    // A bare two-letter name in capitals is a country code.
    if country == nil, let name = raw.name, name.utf8.count == 2,
      name.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
    {
      country = name
      place.name = nil
    }
    if let country {
      let code = Countries.normalisedCode(country)
      if Countries.iso3166Alpha2.contains(code) {
        place.country = code
      } else {
        context.diagnostics.warning(
          "entry.bad-country", at: raw.node,
          "\(label): '\(country)' is not an ISO 3166-1 country code: use two letters such as BE, SE, RS, GR"
        )
      }
    }
    if place.lau != nil {
      if let year = raw.lauYear.flatMap({ Int($0) }) {
        place.lauYear = year
      } else {
        context.diagnostics.warning(
          "entry.lau-without-year", at: raw.node,
          "\(label): the LAU code '\(raw.lau ?? "")' needs the year of its LAU list, since codes change: add drom:lau-year=\"2021\""
        )
      }
    }
    if place.name == nil, place.country == nil, place.nuts == nil, place.lau == nil,
      place.localCode == nil
    {
      return nil
    }
    return place
  }

  /// DCMI Period (`start=…; end=…`) or a single date.
  static func period(_ node: XMLNode, label: EntryLabel, context: AdapterContext) -> Period? {
    let text = node.trimmedText ?? ""
    var period = Period()
    var valid = !text.isEmpty
    if text.contains("=") {
      for component in text.split(separator: ";") {
        let pair = component.split(separator: "=", maxSplits: 1).map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        guard pair.count == 2 else { continue }
        switch pair[0].lowercased() {
        case "start":
          period.start = FeedDates.rfc3339(pair[1])?.date
          valid = valid && period.start != nil
        case "end":
          period.end = FeedDates.rfc3339(pair[1])?.date
          valid = valid && period.end != nil
        default:
          continue
        }
      }
    } else {
      period.start = FeedDates.rfc3339(text)?.date
      valid = period.start != nil
    }
    if let start = period.start, let end = period.end, end < start { valid = false }
    guard valid, period.start != nil || period.end != nil else {
      context.diagnostics.warning(
        "entry.bad-temporal", at: node,
        "\(label): the period '\(text)' cannot be read: write start=2026-05-12T09:00:00+02:00; end=2026-05-12T16:00:00+02:00 (the end not before the start)"
      )
      return nil
    }
    return period
  }

  static func legal(_ identifiers: [String], jurisdiction: XMLNode?, context: AdapterContext)
    -> LegalInfo
  {
    var legal = LegalInfo()
    for identifier in identifiers {
      if identifier.contains("/eli/") {
        legal.eli = legal.eli ?? identifier
      } else if identifier.uppercased().hasPrefix("CELEX:") {
        legal.celex = legal.celex ?? String(identifier.dropFirst(6))
      } else {
        legal.nationalIdentifier = legal.nationalIdentifier ?? identifier
      }
    }
    if let text = jurisdiction?.trimmedText?.lowercased() {
      switch text {
      case "city", "municipal", "municipality", "local": legal.jurisdiction = .city
      case "region", "regional", "province": legal.jurisdiction = .region
      case "country", "national", "state": legal.jurisdiction = .country
      case "eu", "european", "european union", "europe": legal.jurisdiction = .eu
      default: legal.jurisdiction = nil
      }
    }
    return legal
  }
}

import DromModel
import DromSite
import Foundation

/// The diagnosis as Markdown (for facilitators who edit it further), CSV (one row per item, for
/// spreadsheets) and JSON (for other tools). Partners' text is escaped for each format: no
/// Markdown or HTML it holds takes effect, no CSV cell runs as a formula.
public struct DiagnosisText {
  let strings: [String: String]
  /// The directory's public address, for links to entry pages; nil leaves them relative.
  let baseURL: String?

  public init(strings: [String: String], baseURL: String? = nil) {
    self.strings = strings
    self.baseURL = baseURL
  }

  func t(_ key: String) -> String { strings[key] ?? key }

  func entryURL(_ item: Diagnosis.Item, language: String) -> String {
    (baseURL ?? "") + "/\(language)/entry/\(item.slug)/"
  }

  // MARK: - JSON

  public static func json(_ diagnosis: Diagnosis) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(diagnosis)
  }

  // MARK: - Markdown

  /// Escapes what Markdown (and the HTML it allows) would read as syntax: emphasis, code,
  /// links, tables, tags and entities anywhere; list, heading and quote markers where the text
  /// starts a line.
  static func escape(_ text: String) -> String {
    // By scalar, not by character: every character escaped is ASCII, and splitting a long
    // summary into grapheme clusters was most of a diagnosis' Markdown time.
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&":
        scalars.append("\\")
        scalars.append(scalar)
      case "\n", "\r": scalars.append(" ")
      default: scalars.append(scalar)
      }
    }
    var out = String(scalars)
    if let first = out.first, "#-+=".contains(first) {
      out.insert("\\", at: out.startIndex)
    } else if let dot = out.firstIndex(where: { !$0.isNumber }), dot != out.startIndex,
      out[dot] == "." || out[dot] == ")"
    {
      out.insert("\\", at: dot)
    }
    return out
  }

  /// A link target Markdown cannot break out of: only http(s), with spaces and brackets encoded.
  static func target(_ url: String) -> String? {
    guard url.hasPrefix("https://") || url.hasPrefix("http://") || url.hasPrefix("/") else {
      return nil
    }
    var out = ""
    for scalar in url.unicodeScalars {
      switch scalar {
      case " ": out += "%20"
      case "(": out += "%28"
      case ")": out += "%29"
      case "<": out += "%3C"
      case ">": out += "%3E"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  public func markdown(_ d: Diagnosis) -> String {
    let language = d.language
    var out: [String] = []
    func line(_ text: String = "") { out.append(text) }
    func itemLine(_ item: Diagnosis.Item, prefix: String = "- ") {
      let title = Self.escape(item.title)
      let link =
        Self.target(entryURL(item, language: language)).map { "[\(title)](\($0))" } ?? title
      var facts: [String] = [Self.escape(item.partner)]
      facts += item.cities.map(Self.escape)
      if let language = item.language { facts.append(language) }
      line("\(prefix)\(link) (\(facts.joined(separator: ", ")))")
      if let summary = item.summary, !summary.isEmpty { line("  \(Self.escape(summary))") }
      if !item.grounds.isEmpty {
        line(
          "  \(t("diagnosisGrounds")): \(item.grounds.map { Self.escape($0.label) }.joined(separator: ", "))"
        )
      }
      if !item.targetGroups.isEmpty {
        line(
          "  \(t("diagnosisTargetGroups")): \(item.targetGroups.map { Self.escape($0.label) }.joined(separator: ", "))"
        )
      }
      for evidence in item.evidence {
        line("  \(t("diagnosisEvidence")): \(Self.escape(evidence))")
      }
      for contact in item.contacts {
        line("  \(t("diagnosisContact")): \(contactText(contact, escape: true))")
      }
    }
    func more(_ count: Int) {
      if count > 0 { line("- \(count) \(Self.escape(t("diagnosisMore")))") }
    }
    let title = "\(t("diagnosisTitle")): \(d.city.name)"
    line("# \(Self.escape(title))")
    line()
    line(Self.escape(t("diagnosisIntro")))
    line()
    line("\(t("diagnosisGenerated")): \(Self.day(d.generated))")
    line()
    line("## \(Self.escape(t("diagnosisAtAGlance")))")
    line()
    line(
      "| \(Self.escape(t("diagnosisDomain"))) | \(Self.escape(t("diagnosisChartFindings"))) | \(Self.escape(t("diagnosisChartPractices"))) |"
    )
    line("|---|---:|---:|")
    for bar in d.chart {
      line("| \(Self.escape(bar.domain.label)) | \(bar.findings) | \(bar.practices) |")
    }
    line()
    line("## \(Self.escape(t("diagnosisFindings")))")
    for scope in Diagnosis.Scope.allCases {
      let groups = d.findings(in: scope)
      guard !groups.isEmpty else { continue }
      line()
      line("### \(Self.escape(t(Self.scopeKey(scope))))")
      for group in groups {
        line()
        line("#### \(Self.escape(group.domain?.label ?? t("diagnosisNoDomain")))")
        line()
        for finding in group.findings { itemLine(finding) }
        more(group.more)
      }
    }
    if d.findings.isEmpty {
      line()
      line(Self.escape(t("diagnosisNone")))
    }
    line()
    line("## \(Self.escape(t("diagnosisPractices")))")
    for group in d.practices {
      line()
      line("### \(Self.escape(group.theme?.label ?? t("diagnosisOtherThemes")))")
      line()
      for practice in group.practices { itemLine(practice) }
      more(group.more)
    }
    if d.practices.isEmpty {
      line()
      line(Self.escape(t("diagnosisNone")))
    }
    for (key, items) in [
      ("diagnosisOrganisations", d.organisations), ("diagnosisPeople", d.people),
    ]
    where !items.isEmpty {
      line()
      line("## \(Self.escape(t(key)))")
      line()
      for item in items { itemLine(item) }
      more(d.more[key == "diagnosisPeople" ? "people" : "organisations"] ?? 0)
    }
    line()
    line("## \(Self.escape(t("diagnosisLegalFrame")))")
    line()
    for law in d.legalFrame {
      itemLine(law.item, prefix: "- \(Self.escape(t(Self.levelKey(law.level)))): ")
      if let eli = law.eli, let target = Self.target(eli) { line("  ELI: <\(target)>") }
    }
    if d.legalFrame.isEmpty { line(Self.escape(t("diagnosisNone"))) }
    more(d.more["legalFrame"] ?? 0)
    line()
    line("## \(Self.escape(t("diagnosisGaps")))")
    line()
    line(Self.escape(t("diagnosisGapIntro")))
    for gap in d.gaps {
      line()
      line(
        "### \(Self.escape(gap.concept.label)) (\(Self.escape(t("diagnosisChartFindings"))): \(gap.findings))"
      )
      line()
      if gap.elsewhere.isEmpty { line(Self.escape(t("diagnosisNoSuggestion"))) }
      for practice in gap.elsewhere { itemLine(practice) }
    }
    if d.gaps.isEmpty {
      line()
      line(Self.escape(t("diagnosisNoGaps")))
    }
    line()
    line("## \(Self.escape(t("diagnosisSources")))")
    line()
    for source in d.sources { line("- \(sourceText(source, escape: true))") }
    line()
    return out.joined(separator: "\n")
  }

  // MARK: - CSV

  /// One row per item: section, scope or level, group, kind, title, partner, cities, country,
  /// language, concepts, contacts, page. RFC 4180, CRLF.
  public func csv(_ d: Diagnosis) -> String {
    let language = d.language
    var rows: [[String]] = [
      [
        "section", "scope", "group", "kind", "title", "partner", "cities", "country", "language",
        "domains", "grounds", "themes", "target groups", "contacts", "page", "link",
      ]
    ]
    func row(_ section: String, _ scope: String, _ group: String, _ item: Diagnosis.Item) {
      rows.append([
        section, scope, group, item.kind, item.title, item.partner,
        item.cities.joined(separator: "; "), item.country ?? "", item.language ?? "",
        item.domains.map(\.label).joined(separator: "; "),
        item.grounds.map(\.label).joined(separator: "; "),
        item.themes.map(\.label).joined(separator: "; "),
        item.targetGroups.map(\.label).joined(separator: "; "),
        item.contacts.map { contactText($0, escape: false) }.joined(separator: "; "),
        entryURL(item, language: language), item.link ?? "",
      ])
    }
    for group in d.findings {
      for item in group.findings {
        row("finding", group.scope.rawValue, group.domain?.label ?? "", item)
      }
    }
    for group in d.practices {
      for item in group.practices { row("practice", "city", group.theme?.label ?? "", item) }
    }
    for item in d.organisations { row("organisation", "city", "", item) }
    for item in d.people { row("person", "city", "", item) }
    for law in d.legalFrame { row("law", law.level.rawValue, law.eli ?? "", law.item) }
    for gap in d.gaps {
      for item in gap.elsewhere { row("gap", gap.scheme, gap.concept.label, item) }
    }
    return rows.map { CSV.row($0) }.joined()
  }

  // MARK: - Shared

  func contactText(_ contact: Diagnosis.Contact, escape: Bool) -> String {
    var parts: [String] = []
    for part in [contact.name, contact.role, contact.organisation].compactMap({ $0 })
    where !parts.contains(part) {
      parts.append(part)
    }
    parts += contact.emails + contact.phones
    if !contact.languages.isEmpty {
      parts.append("\(t("diagnosisSpeaks")) \(contact.languages.joined(separator: ", "))")
    }
    if let address = contact.address { parts.append(address) }
    let text = parts.joined(separator: " · ")
    return escape ? Self.escape(text) : text
  }

  func sourceText(_ source: Diagnosis.Source, escape: Bool) -> String {
    var parts = [source.partner, source.feed]
    if let harvested = source.lastHarvest {
      parts.append("\(t("diagnosisHarvested")) \(Self.day(harvested))")
    }
    parts += source.licences.map { "\(t("diagnosisLicence")): \($0)" }
    parts += source.rights
    let text = parts.joined(separator: " · ")
    return escape ? Self.escape(text) : text
  }

  static func scopeKey(_ scope: Diagnosis.Scope) -> String {
    switch scope {
    case .city: "diagnosisFindingsCity"
    case .region: "diagnosisFindingsRegion"
    case .country: "diagnosisFindingsCountry"
    }
  }

  static func levelKey(_ level: LegalInfo.Jurisdiction) -> String {
    switch level {
    case .city: "diagnosisLevelCity"
    case .region: "diagnosisLevelRegion"
    case .country: "diagnosisLevelCountry"
    case .eu: "diagnosisLevelEU"
    }
  }

  static func day(_ date: Date) -> String { CivilDate.day(date) }
}

import Crypto
import DromModel
import DromStore
import DromText
import DromVocabulary
import Foundation

/// Assembles a city's `Diagnosis` from the index. Concepts, not words, join findings to
/// practices: a finding's labour-market domain is addressed by a practice that carries the
/// domain or one of the themes the domains vocabulary relates to it (`skos:related`), in
/// whatever language either was written.
public struct DiagnosisBuilder: Sendable {
  public static let schemes = (
    domains: "https://w3id.org/drom/vocab/domains",
    grounds: "https://w3id.org/drom/vocab/grounds",
    themes: "https://w3id.org/drom/vocab/themes",
    targetGroups: "https://w3id.org/drom/vocab/target-groups"
  )
  /// How many practices elsewhere each gap suggests.
  public static let suggestionsPerGap = 5

  let database: DromDatabase
  let vocabulary: Vocabulary

  /// The domains in the vocabulary's order (recruitment first, as the file lists them).
  let domainURIs: [String]

  public init(database: DromDatabase, vocabulary: Vocabulary) {
    self.database = database
    self.vocabulary = vocabulary
    domainURIs = vocabulary.concepts.values.filter { $0.scheme == Self.schemes.domains }
      .sorted { ($0.file, $0.line) < ($1.file, $1.line) }.map(\.uri)
  }

  public enum Problem: Error, CustomStringConvertible {
    case unknownCity(String, suggestions: [String])

    public var description: String {
      switch self {
      case .unknownCity(let city, let suggestions):
        "no entries name the city '\(city)'"
          + (suggestions.isEmpty
            ? "; the index holds no city at all: harvest first (drom harvest)"
            : "; cities in the index: \(suggestions.joined(separator: ", "))")
      }
    }
  }

  /// The city's name as the index files it, from a name in any case or script (`goteborg`,
  /// `Göteborg`, `Гётеборг` folds alike) or a LAU code a partner registered.
  public func resolveCity(_ query: String) throws -> String {
    let overview = try database.overview()
    let cities = overview.byCity.map(\.value)
    if cities.contains(query) { return query }
    let folded = Folding.fold(query.trimmingCharacters(in: .whitespaces))
    if let match = cities.first(where: {
      Folding.fold($0) == folded
        || $0.split(separator: "/").contains {
          Folding.fold($0.trimmingCharacters(in: .whitespaces)) == folded
        }
    }) {
      return match
    }
    // Another language's name (`Athens` for `Αθήνα`, `Gothenburg`): the same place in the
    // gazetteer.
    if let wanted = vocabulary.places.coordinates(of: query, country: nil),
      let match = cities.first(where: {
        vocabulary.places.coordinates(of: $0, country: overview.cityCountries[$0]) == wanted
      })
    {
      return match
    }
    if let byLAU = try database.sources().first(where: { $0.description.lau == query }),
      let city = byLAU.description.city, cities.contains(city)
    {
      return city
    }
    if let city = try database.placeName(lau: query), cities.contains(city) { return city }
    let close = cities.filter {
      Folding.fold($0).hasPrefix(String(folded.prefix(3))) && !folded.isEmpty
    }
    throw Problem.unknownCity(query, suggestions: close.isEmpty ? cities.sorted() : close)
  }

  /// The interface language most of the city's entries are written in, when the site has it:
  /// Göteborg's diagnosis comes in Swedish unless asked otherwise.
  public func usualLanguage(city query: String, among languages: [String]) throws -> String? {
    let city = try resolveCity(query)
    let tags = try database.reportEntries(ReportFilter(facets: [.city: [city]]))
      .compactMap(\.entry.language).map { tag in
        languages.contains(tag.value) ? tag.value : tag.primary
      }
    return Self.mostCommon(tags.filter { languages.contains($0) })
  }

  /// What a city's diagnosis is made of, read from the index once and assembled in any
  /// language (the static export makes every language's from one reading). Every list is newest
  /// first.
  public struct Gathered: Sendable {
    let place: Diagnosis.Place
    let local: [ReportEntry]
    let nearbyLaws: [ReportEntry]
    let cityFindings: [ReportEntry]
    let regionFindings: [ReportEntry]
    let countryFindings: [ReportEntry]
    let practices: [ReportEntry]
    /// Each concept the city's findings name that no local practice addresses: how many
    /// findings name it, and the practices elsewhere that address it.
    let gaps: [(uri: String, findings: Int, elsewhere: [ReportEntry])]
  }

  public func build(city query: String, language: String, now: Date = Date()) throws -> Diagnosis {
    assemble(try gather(city: query), language: language, now: now)
  }

  /// Findings and laws by country, read once for all of a country's cities (the static export
  /// makes every city's diagnosis).
  public final class CountryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [ReportEntry]] = [:]

    public init() {}

    func entries(_ country: String, read: () throws -> [ReportEntry]) rethrows -> [ReportEntry] {
      if let cached = lock.withLock({ entries[country] }) { return cached }
      let read = try read()
      lock.withLock { entries[country] = read }
      return read
    }
  }

  public func gather(city query: String, countries: CountryCache = CountryCache()) throws
    -> Gathered
  {
    let city = try resolveCity(query)
    // Newest first, once: every list below keeps this order, and sorting whole entries again
    // in each language was most of the time a diagnosis took to assemble.
    let local = Self.newestFirst(try database.reportEntries(ReportFilter(facets: [.city: [city]])))
    let country = Self.mostCommon(local.flatMap { $0.values(.country) })
    let place = cityPlace(city, country: country, entries: local)
    let inCountry =
      try country.map { country in
        try countries.entries(country) {
          Self.newestFirst(
            try database.reportEntries(
              ReportFilter(kinds: [.finding, .law], facets: [.country: [country, "EU"]])))
        }.filter { !$0.values(.city).contains(city) }
      } ?? []
    let cityFindings = local.filter { $0.entry.kind == .finding }
    let practices = local.filter { $0.entry.kind == .practice }
    let nearbyFindings = inCountry.filter {
      $0.entry.kind == .finding && $0.values(.country).contains(country ?? "")
    }
    return Gathered(
      place: place, local: local, nearbyLaws: inCountry.filter { $0.entry.kind == .law },
      cityFindings: cityFindings,
      regionFindings: nearbyFindings.filter { isInRegion($0, of: place) },
      countryFindings: nearbyFindings.filter {
        !isInRegion($0, of: place) && $0.values(.city).isEmpty
      },
      practices: practices,
      gaps: try findGaps(findings: cityFindings, practices: practices, city: city))
  }

  /// What a city's diagnosis is made of, in every language, as one hash: the place, every
  /// entry it draws on (its stored hash and its partner's harvest), the gaps, and whose consent
  /// holds `now`. The static export makes a diagnosis again only when this changes.
  public func fingerprint(_ g: Gathered, now: Date) throws -> String {
    var hash = SHA256()
    func add(_ text: String) {
      hash.update(data: Data(text.utf8))
      hash.update(data: [0])
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    hash.update(data: try encoder.encode(g.place))
    func add(_ entries: [ReportEntry], _ group: String) {
      add(group)
      for stored in entries {
        add(stored.slug)
        add(stored.dataHash)
        add(stored.source.description.key)
        add(stored.source.description.title)
        add(stored.source.lastSuccessAt.map { CivilDate.day($0) } ?? "")
        add(stored.entry.contacts.map { Self.publishable($0, now: now) ? "1" : "0" }.joined())
      }
    }
    add(g.local, "local")
    add(g.nearbyLaws, "laws")
    add(g.regionFindings, "region")
    add(g.countryFindings, "country")
    for gap in g.gaps {
      add("\(gap.uri) \(gap.findings)")
      add(gap.elsewhere, "elsewhere")
    }
    return Hex.lowercase(hash.finalize())
  }

  /// The diagnosis in one language. `now` decides whose consent holds; `madeOn` is the date
  /// shown (`now` without it; the static export shows the last harvest's, so that the same
  /// index gives the same bytes).
  public func assemble(_ g: Gathered, language: String, now: Date, madeOn: Date? = nil)
    -> Diagnosis
  {
    var findingGroups = groupFindings(g.cityFindings, scope: .city, language: language, now: now)
    findingGroups += groupFindings(g.regionFindings, scope: .region, language: language, now: now)
    findingGroups += groupFindings(
      g.countryFindings, scope: .country, language: language, now: now)
    let laws = legalFrame(
      g.local.filter { $0.entry.kind == .law } + g.nearbyLaws, place: g.place,
      language: language, now: now)
    let people = g.local.filter { $0.entry.kind == .person }
      .map { item($0, language: language, now: now) }
      .filter { !$0.contacts.isEmpty }
    let organisations = g.local.filter { $0.entry.kind == .organisation }
    var more: [String: Int] = [:]
    for (section, count) in [
      ("organisations", organisations.count), ("people", people.count),
    ] where count > Diagnosis.listed {
      more[section] = count - Diagnosis.listed
    }
    let listedLaws = Self.listedPerLevel(laws)
    if listedLaws.count < laws.count { more["legalFrame"] = laws.count - listedLaws.count }
    let gaps = g.gaps.map { gap in
      let addressing = addressingConcepts(gap.uri)
      return Diagnosis.Gap(
        concept: concept(gap.uri, language: language),
        scheme: gap.uri.hasPrefix(Self.schemes.domains) ? "domain" : "theme",
        findings: gap.findings,
        elsewhere: gap.elsewhere.sorted {
          rank($0, addressing, now: now) > rank($1, addressing, now: now)
        }.prefix(Self.suggestionsPerGap).map { item($0, language: language, now: now) })
    }
    let shown =
      g.cityFindings + g.regionFindings + g.countryFindings + g.practices
      + g.local.filter { [.organisation, .person, .law].contains($0.entry.kind) } + g.nearbyLaws
    return Diagnosis(
      city: g.place, language: language, generated: madeOn ?? now, findings: findingGroups,
      practices: groupPractices(g.practices, language: language, now: now),
      organisations: organisations.prefix(Diagnosis.listed).map {
        item($0, language: language, now: now)
      },
      people: Array(people.prefix(Diagnosis.listed)),
      legalFrame: listedLaws, gaps: gaps,
      chart: chart(findings: g.cityFindings, practices: g.practices, language: language),
      sources: sources(of: shown), more: more)
  }

  // MARK: - Place

  private func cityPlace(_ city: String, country: String?, entries: [ReportEntry])
    -> Diagnosis.Place
  {
    let places = entries.flatMap(\.entry.places).filter { $0.name == city }
    let partners = entries.map(\.source.description).filter { $0.city == city }
    let nuts =
      (places.compactMap(\.nuts) + partners.compactMap(\.nuts)).max { $0.count < $1.count }
    let lau = places.compactMap(\.lau).first ?? partners.compactMap(\.lau).first
    return Diagnosis.Place(name: city, country: country, nuts: nuts, lau: lau)
  }

  /// Whether an entry is about the city's region: a place of the entry names a NUTS region the
  /// city lies in (its code starts the city's), short of the whole country.
  private func isInRegion(_ entry: ReportEntry, of city: Diagnosis.Place) -> Bool {
    guard let cityNUTS = city.nuts else { return false }
    return entry.entry.places.contains { place in
      guard let nuts = place.nuts, nuts.count > 2 else { return false }
      return cityNUTS.hasPrefix(nuts)
    }
  }

  // MARK: - Findings and practices

  private func groupFindings(
    _ findings: [ReportEntry], scope: Diagnosis.Scope, language: String, now: Date
  ) -> [Diagnosis.FindingGroup] {
    var groups: [String: [Diagnosis.Item]] = [:]
    for finding in findings {  // newest first, as gathered
      let item = item(finding, language: language, now: now)
      groups[item.domains.first?.uri ?? "", default: []].append(item)
    }
    return groups.keys.sorted { domainOrder($0) < domainOrder($1) }.map { uri in
      Diagnosis.FindingGroup(
        scope: scope, domain: uri.isEmpty ? nil : concept(uri, language: language),
        findings: Array(groups[uri]!.prefix(Diagnosis.listed)),
        more: max(0, groups[uri]!.count - Diagnosis.listed))
    }
  }

  private func groupPractices(_ practices: [ReportEntry], language: String, now: Date)
    -> [Diagnosis.PracticeGroup]
  {
    var groups: [String: [Diagnosis.Item]] = [:]
    for practice in practices {  // newest first, as gathered
      let item = item(practice, language: language, now: now)
      groups[item.themes.first?.uri ?? "", default: []].append(item)
    }
    return groups.keys.sorted {
      ($0.isEmpty ? 1 : 0, groups[$1]!.count, label($0, language)) < (
        $1.isEmpty ? 1 : 0, groups[$0]!.count, label($1, language)
      )
    }.map { uri in
      Diagnosis.PracticeGroup(
        theme: uri.isEmpty ? nil : concept(uri, language: language),
        practices: Array(groups[uri]!.prefix(Diagnosis.listed)),
        more: max(0, groups[uri]!.count - Diagnosis.listed))
    }
  }

  /// Domains in the vocabulary's order (recruitment first, as the file lists them), then any
  /// other; findings without a domain last.
  private func domainOrder(_ uri: String) -> (Int, String) {
    if uri.isEmpty { return (Int.max, "") }
    return (domainURIs.firstIndex(of: uri) ?? Int.max - 1, uri)
  }

  // MARK: - Gaps

  /// The concepts a practice on this domain or theme carries: the domain itself and its
  /// related themes; a theme is itself (its narrower themes imply it, as harvest adds broader
  /// concepts to every entry).
  func addressingConcepts(_ uri: String) -> Set<String> {
    var concepts: Set<String> = [uri]
    if let concept = vocabulary.concepts[uri], concept.scheme == Self.schemes.domains {
      concepts.formUnion(concept.related)
      for narrower in vocabulary.narrower[uri] ?? [] {
        concepts.insert(narrower)
        concepts.formUnion(vocabulary.concepts[narrower]?.related ?? [])
      }
    }
    return concepts
  }

  private func findGaps(findings: [ReportEntry], practices: [ReportEntry], city: String)
    throws -> [(uri: String, findings: Int, elsewhere: [ReportEntry])]
  {
    var named: [String: Int] = [:]
    for finding in findings {
      for uri in Set(direct(finding.entry.concepts))
      where uri.hasPrefix(Self.schemes.domains + "/") || uri.hasPrefix(Self.schemes.themes + "/") {
        named[uri, default: 0] += 1
      }
    }
    let local = practices.map { Set($0.entry.concepts) }
    var gaps: [(uri: String, findings: Int, elsewhere: [ReportEntry])] = []
    for (uri, count) in named.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
      let addressing = addressingConcepts(uri)
      if local.contains(where: { !$0.isDisjoint(with: addressing) }) { continue }
      let elsewhere = try database.reportEntries(
        slugs: try database.slugsRankedByConcepts(
          addressing.sorted(), kind: .practice, excludingCity: city,
          limit: Self.suggestionsPerGap * 8))
      gaps.append((uri, count, elsewhere))
    }
    return gaps
  }

  /// Best suggestions first: more of the gap's concepts, then someone to contact, then the
  /// address (stable).
  private func rank(_ entry: ReportEntry, _ concepts: Set<String>, now: Date) -> (Int, Int, String)
  {
    let matches = Set(entry.entry.concepts).intersection(concepts).count
    let contactable = entry.entry.contacts.contains { Self.publishable($0, now: now) } ? 1 : 0
    return (matches, contactable, String(entry.slug.reversed()))
  }

  // MARK: - Legal frame

  private func legalFrame(
    _ laws: [ReportEntry], place: Diagnosis.Place, language: String, now: Date
  ) -> [Diagnosis.Law] {
    var seen: Set<String> = []
    var frame: [Diagnosis.Law] = []
    for law in laws where seen.insert(law.slug).inserted {
      let level: LegalInfo.Jurisdiction
      if law.values(.city).contains(place.name) {
        level = .city
      } else if law.values(.country).contains("EU") || law.entry.legal?.jurisdiction == .eu {
        level = .eu
      } else if law.entry.legal?.jurisdiction == .city || !law.values(.city).isEmpty {
        continue  // another city's by-law
      } else if law.entry.legal?.jurisdiction == .region
        || law.entry.places.contains(where: { ($0.nuts?.count ?? 0) > 2 })
      {
        // A region's law applies only in that region.
        guard isInRegion(law, of: place) else { continue }
        level = .region
      } else {
        level = .country
      }
      frame.append(
        Diagnosis.Law(
          level: level, eli: law.entry.legal?.eli, celex: law.entry.legal?.celex,
          item: item(law, language: language, now: now)))
    }
    return frame.sorted {
      ($0.level, $0.item.title, $0.item.slug) < ($1.level, $1.item.title, $1.item.slug)
    }
  }

  // MARK: - Chart and sources

  private func chart(findings: [ReportEntry], practices: [ReportEntry], language: String)
    -> [Diagnosis.Bar]
  {
    let topDomains = domainURIs.filter {
      vocabulary.concepts[$0]?.broader.allSatisfy { !$0.hasPrefix(Self.schemes.domains) } ?? true
    }
    return topDomains.map { uri in
      let addressing = addressingConcepts(uri)
      let inDomain = Set([uri] + (vocabulary.narrower[uri] ?? []))
      return Diagnosis.Bar(
        domain: concept(uri, language: language),
        findings: findings.filter { !Set($0.entry.concepts).isDisjoint(with: inDomain) }.count,
        practices: practices.filter { !Set($0.entry.concepts).isDisjoint(with: addressing) }.count)
    }
  }

  private func sources(of entries: [ReportEntry]) -> [Diagnosis.Source] {
    var byKey: [String: Diagnosis.Source] = [:]
    for entry in entries {
      let description = entry.source.description
      var source =
        byKey[description.key]
        ?? Diagnosis.Source(
          partner: description.title.isEmpty ? description.key : description.title,
          feed: description.feedURL, site: description.htmlURL,
          lastHarvest: entry.source.lastSuccessAt.map(Self.day), licences: [], rights: [])
      if let licence = entry.entry.license, !source.licences.contains(licence) {
        source.licences.append(licence)
      }
      if let rights = entry.entry.rights, !source.rights.contains(rights) {
        source.rights.append(rights)
      }
      byKey[description.key] = source
    }
    return byKey.values.sorted { $0.partner < $1.partner }
  }

  // MARK: - Items

  /// Midnight UTC of the date's day.
  static func day(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
  }

  /// A person's card is published only while the consent it records holds; cards of
  /// organisations, groups and places need none.
  static func publishable(_ contact: DromModel.Contact, now: Date) -> Bool {
    !contact.isPersonal || (contact.consent?.isValid(at: now) ?? false)
  }

  func item(_ stored: ReportEntry, language: String, now: Date) -> Diagnosis.Item {
    let entry = stored.entry
    let concepts = direct(entry.concepts)
    func inScheme(_ scheme: String) -> [Diagnosis.Concept] {
      concepts.filter { $0.hasPrefix(scheme + "/") }.map { concept($0, language: language) }
        .sorted { $0.label < $1.label }
    }
    return Diagnosis.Item(
      slug: stored.slug, kind: entry.kind.rawValue, title: entry.title,
      language: entry.language?.value, summary: entry.summary, cities: stored.values(.city),
      country: stored.values(.country).first, partner: stored.source.description.title,
      link: entry.links.first { $0.rel == "alternate" }?.href,
      domains: inScheme(Self.schemes.domains), grounds: inScheme(Self.schemes.grounds),
      themes: inScheme(Self.schemes.themes), targetGroups: inScheme(Self.schemes.targetGroups),
      evidence: entry.evidence, outcomes: entry.outcomes,
      contacts: entry.contacts.filter { Self.publishable($0, now: now) }.map {
        Diagnosis.Contact(
          name: $0.formattedName, organisation: $0.organisation, role: $0.role, emails: $0.emails,
          phones: $0.phones, languages: $0.languages.map(\.value), address: $0.address)
      })
  }

  /// The concepts an entry names itself: without the broader ones harvest adds for search.
  private func direct(_ concepts: [String]) -> [String] {
    let implied = Set(concepts.flatMap { vocabulary.concepts[$0]?.broader ?? [] })
    return concepts.filter { !implied.contains($0) }
  }

  private func concept(_ uri: String, language: String) -> Diagnosis.Concept {
    Diagnosis.Concept(uri: uri, label: label(uri, language))
  }

  private func label(_ uri: String, _ language: String) -> String {
    guard let concept = vocabulary.concepts[uri] else {
      return String(uri.split(separator: "/").last ?? Substring(uri))
    }
    return vocabulary.label(concept, language: language)
  }

  /// Newest first (updated, else published), then by address: what a capped list keeps.
  static func newestFirst(_ entries: [ReportEntry]) -> [ReportEntry] {
    entries.sorted {
      let a = $0.entry.updated ?? $0.entry.published ?? .distantPast
      let b = $1.entry.updated ?? $1.entry.published ?? .distantPast
      return (a, $1.slug) > (b, $0.slug)
    }
  }

  /// At most `Diagnosis.listed` laws of each level, keeping the frame's order.
  static func listedPerLevel(_ laws: [Diagnosis.Law]) -> [Diagnosis.Law] {
    var perLevel: [LegalInfo.Jurisdiction: Int] = [:]
    return laws.filter { law in
      perLevel[law.level, default: 0] += 1
      return perLevel[law.level]! <= Diagnosis.listed
    }
  }

  static func mostCommon(_ values: [String]) -> String? {
    var counts: [String: Int] = [:]
    for value in values { counts[value, default: 0] += 1 }
    return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
  }
}

import DromModel
import DromStore
import DromVocabulary
import Foundation

/// Builds each page's content from the index: the same for the server and the static export.
/// A string for a Mustache section: swift-mustache renders a section for any value, the empty
/// string included, so an empty text must be `false` to leave its element out.
public func present(_ text: String?) -> Any {
  guard let text, !text.isEmpty else { return false }
  return text
}

public struct Pages: Sendable {
  let site: Site
  let vocabulary: Vocabulary
  /// Pages for the static export: listings page by path only, with no filter form, CSV or
  /// search feed (a static host answers no query).
  public let forExport: Bool

  public init(site: Site, vocabulary: Vocabulary, forExport: Bool = false) {
    self.site = site
    self.vocabulary = vocabulary
    self.forExport = forExport
  }

  /// A facet value's name in a language (a country's, a theme's).
  public func label(_ facet: Facet, _ value: String, language: String) -> String {
    labels(language).label(facet, value)
  }

  func labels(_ language: String) -> Labels {
    Labels(strings: site.strings(language), vocabulary: vocabulary, language: language)
  }

  public func home(overview: IndexOverview, latest: SearchResults, language: String) -> PageContent
  {
    let labels = labels(language)
    func links(_ counts: [FacetCount], _ facet: Facet) -> [[String: Any]] {
      counts.map {
        [
          "label": labels.label(facet, $0.value), "count": $0.count,
          "url": Listing.path(facet, $0.value, language: language),
        ]
      }
    }
    let map = EuropeMap.dots(
      cities: overview.byCity, countries: overview.cityCountries, gazetteer: vocabulary.places)
    let largest = map.placed.map(\.count).max() ?? 1
    let dots: [[String: Any]] = map.placed.map { dot in
      [
        "x": String(format: "%.1f", dot.x), "y": String(format: "%.1f", dot.y),
        "r": String(EuropeMap.radius(count: dot.count, largest: largest)),
        "label": labels.label(.city, dot.city), "count": dot.count,
        "url": Listing.path(.city, dot.city, language: language),
      ]
    }
    return PageContent(
      template: "home", title: labels.strings["tagline"] ?? "Drom", navigation: "home",
      context: [
        "entries": overview.entries, "sources": overview.sources,
        "byKind": links(overview.byKind, .kind), "byCountry": links(overview.byCountry, .country),
        "byTheme": links(overview.byTheme, .theme),
        "byCity": links(Array(overview.byCity.prefix(40)), .city),
        "map": [
          "width": EuropeMap.width, "height": EuropeMap.height, "dots": dots,
          "unplaced": present(map.unplaced.map { labels.label(.city, $0) }.joined(separator: ", ")),
        ] as [String: Any],
        "latest": hits(latest.hits, language: language),
      ], feedURL: forExport ? nil : "/\(language)/search.atom?sort=newest")
  }

  /// - Parameters:
  ///   - heading: a listing's own title (a city, a country, a theme) instead of "Results".
  ///   - listing: the facet and value of a listing page, which pages by path (`…/goteborg/2/`).
  public func search(
    _ parameters: SearchParameters, results: SearchResults, language: String,
    heading: String? = nil,
    listing: (facet: Facet, value: String)? = nil
  ) -> PageContent {
    let labels = labels(language)
    let strings = labels.strings
    var facets: [[String: Any]] = []
    for facet in SearchParameters.filterFacets {
      let chosen = parameters.filters[facet] ?? []
      var counts = results.facets[facet.rawValue] ?? []
      // A chosen value stays on the form even when nothing matches it any more.
      for value in chosen where !counts.contains(where: { $0.value == value }) {
        counts.append(FacetCount(value: value, count: 0))
      }
      guard !counts.isEmpty else { continue }
      facets.append([
        "name": facet.rawValue, "legend": strings["facet_" + facet.rawValue] ?? facet.rawValue,
        "values": counts.prefix(15).enumerated().map { index, count in
          [
            "value": count.value, "label": labels.label(facet, count.value), "count": count.count,
            "checked": chosen.contains(count.value), "id": "f-\(facet.rawValue)-\(index)",
          ] as [String: Any]
        },
      ])
    }
    let pages = max(1, (results.total + SearchParameters.pageSize - 1) / SearchParameters.pageSize)
    let base = "/\(language)/search?"
    let activeFilters =
      parameters.filters.values.reduce(0) { $0 + $1.count } + (parameters.since == nil ? 0 : 1)
    // A listing on its own pages by path; a search, or a listing narrowed further, by query.
    let narrowed =
      !parameters.text.isEmpty || parameters.sort != .relevance || parameters.since != nil
      || parameters.raw || parameters.filters.count > 1 || !parameters.visit.isEmpty
    let pagesByPath = listing != nil && (forExport || !narrowed)
    func pageAddress(_ page: Int) -> String {
      if pagesByPath, let listing {
        return Listing.path(listing.facet, listing.value, language: language, page: page)
      }
      if forExport { return Listing.everything(language: language, page: page) }
      return base + parameters.queryString { $0.page = page }
    }
    return PageContent(
      template: "search",
      title: heading
        ?? (parameters.text.isEmpty
          ? strings["resultsAll"] ?? "" : "\(strings["resultsFor"] ?? "") \(parameters.text)"),
      navigation: "search",
      context: [
        "query": parameters.text, "heading": present(heading), "hasQuery": !parameters.text.isEmpty,
        "since": parameters.since ?? "",
        "total": results.total,
        "hits": hits(results.hits, language: language).map { hit in
          // A planner adds a practice to the shortlist without leaving the results.
          guard !forExport, let slug = hit["slug"] as? String else { return hit }
          var hit = hit
          hit["addVisit"] =
            parameters.visit.contains(slug) || parameters.visit.count >= SearchParameters.maxVisit
            ? false : base + parameters.queryString { $0.visit.append(slug) }
          hit["inVisit"] = parameters.visit.contains(slug)
          return hit
        },
        "facets": facets, "hasFilters": !parameters.filters.isEmpty,
        "activeFilters": activeFilters > 0 ? activeFilters : false,
        "sortNewest": parameters.sort == .newest, "page": parameters.page, "pages": pages,
        "previous": parameters.page > 1 ? pageAddress(parameters.page - 1) : false,
        "next": parameters.page < pages ? pageAddress(parameters.page + 1) : false,
        "interactive": !forExport,
        // The export's search folder: Pagefind's interface over its list of everything.
        "staticSearch": forExport && listing == nil && parameters.page == 1
          ? site.searchScriptPath : false,
        "atom": "/\(language)/search.atom?" + parameters.queryString { $0.page = 1 },
        "csv": "/api/search.csv?" + parameters.queryString { $0.page = 1 },
        "clear": base
          + parameters.queryString {
            $0.filters = [:]
            $0.page = 1
          },
        "raw": parameters.raw,
        "diagnosis": diagnosisOffer(listing: listing, page: parameters.page, language: language),
        "shortlist": parameters.visit,
        "visitPlan": forExport || parameters.visit.isEmpty
          ? false
          : [
            "url": "/\(language)/visit?"
              + parameters.visit.map { "visit=\($0)" }.joined(separator: "&"),
            "count": parameters.visit.count,
          ] as [String: Any],
      ],
      feedURL: forExport
        ? nil : "/\(language)/search.atom?" + parameters.queryString { $0.page = 1 })
  }

  /// A city listing's first page offers the city's local diagnosis: its page and downloads.
  func diagnosisOffer(listing: (facet: Facet, value: String)?, page: Int, language: String) -> Any {
    guard let listing, listing.facet == .city, page == 1 else { return false }
    return [
      "page": Listing.diagnosis(city: listing.value, language: language),
      "downloads": Listing.diagnosisDownloads.map {
        [
          "url": Listing.diagnosis(city: listing.value, language: language, format: $0),
          "label": $0.uppercased(),
        ]
      },
    ] as [String: Any]
  }

  func hits(_ hits: [SearchHit], language: String) -> [[String: Any]] {
    let strings = site.strings(language)
    return hits.map { hit in
      [
        "title": hit.title, "url": "/\(language)/entry/\(hit.slug)", "kind": hit.kind,
        "kindLabel": strings["kind_" + hit.kind] ?? hit.kind,
        "snippet": present(Highlight.html(hit.snippet)), "source": hit.sourceTitle,
        "updated": present(hit.updated?.day), "entryLang": hit.language ?? "",
        "foreign": (hit.language ?? language) != language,
        // Mustache shows a section for an empty string too: absent means false.
        "also": present(hit.alsoPublishedBy.joined(separator: ", ")), "slug": hit.slug,
      ]
    }
  }

  public func entry(_ stored: StoredEntry, language: String) -> PageContent {
    let labels = labels(language)
    let strings = labels.strings
    let entry = stored.entry
    var facts: [[String: Any]] = []
    func fact(_ key: String, _ values: [String]) {
      guard !values.isEmpty else { return }
      facts.append(["term": strings[key] ?? key, "value": values.joined(separator: ", ")])
    }
    fact("language", [entry.language.map { labels.label(.language, $0.primary) }].compactMap { $0 })
    // What the static export's search (Pagefind) filters by, in the page's language.
    var searchFilters: [[String: String]] = []
    func filter(_ key: String, _ values: [String]) {
      // Pagefind's interface inserts filter values into its page as HTML (pagefind-ui 1.5), so
      // no value reaches it with a tag's brackets: escaping alone is undone by its indexing.
      let values = values.map { $0.filter { $0 != "<" && $0 != ">" } }
      for value in Set(values).sorted() where !value.isEmpty {
        searchFilters.append(["name": strings["facet_" + key] ?? key, "value": value])
      }
    }
    filter("kind", [strings["kind_" + entry.kind.rawValue] ?? entry.kind.rawValue])
    // Without places of its own, an entry is where its partner is (as in the index's facets).
    let countries = entry.places.compactMap(\.country)
    filter(
      "country",
      (countries.isEmpty ? [stored.source.country].compactMap { $0 } : countries).map {
        labels.label(.country, $0)
      })
    let cities = entry.places.compactMap(\.name)
    filter("city", cities.isEmpty ? [stored.source.city].compactMap { $0 } : cities)
    filter(
      "theme", labels.conceptLabels(entry.concepts, scheme: "https://w3id.org/drom/vocab/themes"))
    filter(
      "audience",
      labels.conceptLabels(entry.concepts, scheme: "https://w3id.org/drom/vocab/target-groups"))
    filter(
      "language", [entry.language.map { labels.label(.language, $0.primary) }].compactMap { $0 })
    fact(
      "places",
      entry.places.map {
        [$0.name, $0.country.map { labels.label(.country, $0) }].compactMap { $0 }.joined(
          separator: ", ")
      })
    fact(
      "themes", labels.conceptLabels(entry.concepts, scheme: "https://w3id.org/drom/vocab/themes"))
    fact(
      "targetGroups",
      labels.conceptLabels(entry.concepts, scheme: "https://w3id.org/drom/vocab/target-groups"))
    fact("tags", entry.tags)
    if let jurisdiction = entry.legal?.jurisdiction {
      fact(
        "jurisdiction", [strings["jurisdiction_" + jurisdiction.rawValue] ?? jurisdiction.rawValue])
    }
    if let period = entry.temporal {
      fact(
        "when", [[period.start?.day, period.end?.day].compactMap { $0 }.joined(separator: " – ")])
    }
    fact("updated", [(entry.updated ?? stored.lastChanged).day])
    fact("publishedBy", [stored.source.title])
    fact("alsoPublishedBy", stored.alsoPublishedBy)
    fact("license", [entry.license].compactMap { $0 })
    let identifiers: [[String: Any]] = [
      entry.legal?.eli.map { ["text": $0, "url": present(SafeLink.web($0))] },
      entry.legal?.celex.map {
        [
          "text": "CELEX \($0)",
          "url": "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:\($0)",
        ]
      },
      entry.legal?.nationalIdentifier.map { ["text": $0] },
    ].compactMap { $0 }
    let schemaType: String
    switch entry.kind {
    case .law: schemaType = "Legislation"
    case .organisation: schemaType = "Organization"
    case .person: schemaType = "Person"
    case .event: schemaType = "Event"
    case .material: schemaType = "LearningResource"
    case .practice, .finding: schemaType = "CreativeWork"
    }
    return PageContent(
      template: "entry", title: entry.title, navigation: "search",
      context: [
        "title": entry.title, "entryLang": entry.language?.value ?? "",
        "foreign": (entry.language?.value ?? language) != language,
        "kind": entry.kind.rawValue,
        "kindLabel": strings["kind_" + entry.kind.rawValue] ?? entry.kind.rawValue,
        "schemaType": schemaType, "summary": present(entry.summary),
        // Sanitised when the feed was read (HTMLSanitizer's allowlist): safe to insert as is.
        "content": present(entry.content?.html),
        "facts": facts, "identifiers": identifiers, "searchFilters": searchFilters,
        "outcomes": entry.outcomes, "evidence": entry.evidence, "funding": entry.funding,
        "contacts": entry.contacts.map { contact in
          [
            "name": contact.formattedName ?? contact.organisation ?? "",
            "role": present(contact.role),
            "org": present(contact.formattedName == nil ? nil : contact.organisation),
            "person": contact.isPersonal,
            "emails": contact.emails,
            // Links only to what is a telephone number or a web address (`SafeLink`).
            "phones": contact.phones.map { phone in
              [
                "text": phone.lowercased().hasPrefix("tel:") ? String(phone.dropFirst(4)) : phone,
                "href": present(SafeLink.telephone(phone)),
              ] as [String: Any]
            },
            "urls": contact.urls.map { url in
              ["text": url, "href": present(SafeLink.web(url))] as [String: Any]
            },
          ] as [String: Any]
        },
        "link": present(entry.canonicalLink),
        "translations": stored.translations.map { translation in
          [
            "url": "/\(language)/entry/\(translation.slug)", "lang": translation.language ?? "",
            "name": translation.language.map {
              labels.label(.language, String($0.split(separator: "-")[0]))
            } ?? translation.title,
            "title": translation.title,
          ]
        },
      ])
  }

  public func sources(
    _ sources: [SourceState], entries: [Int64: Int], latest: [String: HarvestRecord],
    language: String
  ) -> PageContent {
    let strings = site.strings(language)
    let labels = labels(language)
    return PageContent(
      template: "sources", title: strings["sourcesTitle"] ?? "", navigation: "sources",
      context: [
        "sources": sources.map { state in
          let status = SourceHealth(state: state, entries: 0).status
          let record = latest[state.description.key]
          return [
            "title": state.description.title,
            "url": present(state.description.htmlURL.flatMap(SafeLink.web)),
            "feed": state.description.feedURL,
            "place": [
              state.description.city, state.description.country.map { labels.label(.country, $0) },
            ].compactMap { $0 }.joined(separator: ", "),
            "status": status, "statusLabel": strings["status_" + status] ?? status,
            "lastSuccess": state.lastSuccessAt?.day ?? strings["never"] ?? "",
            "entries": entries[state.id] ?? 0,
            "message": present(record?.message),
            "problems": (record?.diagnostics ?? []).filter { $0.severity != .note }.prefix(10).map {
              ["code": $0.code, "message": $0.message, "line": $0.location.line] as [String: Any]
            },
          ] as [String: Any]
        }
      ])
  }

  public func about(language: String) -> PageContent {
    PageContent(
      template: "about", title: site.strings(language)["aboutTitle"] ?? "", navigation: "about",
      context: [:])
  }

  public func error(status: Int, message: String, language: String) -> PageContent {
    PageContent(
      template: "error", title: site.strings(language)["errorTitle"] ?? "", navigation: "",
      context: ["status": status, "message": message])
  }
}

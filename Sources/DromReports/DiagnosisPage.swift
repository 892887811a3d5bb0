import DromModel
import DromSite
import Foundation

/// The diagnosis as a page of the site (live and exported: `/L/city/C/diagnosis/`) and as a
/// print-ready HTML document on its own (A4, no script, its stylesheet inside), which is also
/// what headless chromium prints to PDF.
public struct DiagnosisPage {
  let site: Site

  public init(site: Site) {
    self.site = site
  }

  /// - Parameter entryBase: where entry pages are: `""` for a page of the site; a standalone
  ///   file needs the directory's address, and without one links to the partner's own page.
  public func content(_ d: Diagnosis, downloads: Bool, entryBase: String? = "") -> PageContent {
    let strings = site.strings(d.language)
    func url(_ item: Diagnosis.Item) -> Any {
      if let entryBase { return entryBase + "/\(d.language)/entry/\(item.slug)/" }
      return present(item.link)
    }
    let text = DiagnosisText(strings: strings)
    func t(_ key: String) -> String { strings[key] ?? key }
    func items(_ items: [Diagnosis.Item], eli: [String: String] = [:]) -> [[String: Any]] {
      items.map { item in
        [
          "title": item.title, "url": url(item),
          "language": present(item.language), "partner": item.partner,
          "cities": present(item.cities.joined(separator: ", ")),
          "summary": present(item.summary),
          "grounds": present(item.grounds.map(\.label).joined(separator: ", ")),
          "targetGroups": present(item.targetGroups.map(\.label).joined(separator: ", ")),
          "evidence": item.evidence, "eli": present(eli[item.slug]),
          "eliLink": present(eli[item.slug].flatMap(SafeLink.web)),
          "contacts": item.contacts.map { ["text": text.contactText($0, escape: false)] },
        ]
      }
    }
    let scopes: [[String: Any]] = Diagnosis.Scope.allCases.compactMap { scope in
      let groups = d.findings(in: scope)
      guard !groups.isEmpty else { return nil }
      return [
        "heading": t(DiagnosisText.scopeKey(scope)),
        "groups": groups.map {
          [
            "heading": $0.domain?.label ?? t("diagnosisNoDomain"), "items": items($0.findings),
            "more": $0.more > 0 ? $0.more : false,
          ]
        },
      ]
    }
    let levels: [[String: Any]] = LegalInfo.Jurisdiction.allCases.compactMap { level in
      let laws = d.legalFrame.filter { $0.level == level }
      guard !laws.isEmpty else { return nil }
      var eli: [String: String] = [:]
      for law in laws { eli[law.item.slug] = law.eli }
      return [
        "heading": t(DiagnosisText.levelKey(level)), "items": items(laws.map(\.item), eli: eli),
      ]
    }
    let title = "\(t("diagnosisTitle")): \(d.city.name)"
    var context: [String: Any] = [
      "title": title, "generated": DiagnosisText.day(d.generated),
      "place": present(
        [d.city.country, d.city.nuts.map { "NUTS \($0)" }, d.city.lau.map { "LAU \($0)" }]
          .compactMap { $0 }.joined(separator: " · ")),
      "chart": chart(d.chart, gaps: Set(d.gaps.map(\.concept.uri))),
      "scopes": scopes,
      "practices": d.practices.map {
        [
          "heading": $0.theme?.label ?? t("diagnosisOtherThemes"), "items": items($0.practices),
          "more": $0.more > 0 ? $0.more : false,
        ]
      },
      "organisations": items(d.organisations), "people": items(d.people), "levels": levels,
      "moreOrganisations": d.more["organisations"] ?? false,
      "morePeople": d.more["people"] ?? false,
      "moreLaws": d.more["legalFrame"] ?? false,
      "gaps": d.gaps.map {
        ["heading": $0.concept.label, "findings": $0.findings, "items": items($0.elsewhere)]
          as [String: Any]
      },
      "sources": d.sources.map { source in
        [
          "partner": source.partner, "feed": source.feed,
          "site": present(source.site.flatMap(SafeLink.web)),
          "harvested": present(source.lastHarvest.map(DiagnosisText.day)),
          "licences": source.licences.map {
            ["text": $0, "url": present(SafeLink.web($0))] as [String: Any]
          },
          "rights": source.rights,
        ] as [String: Any]
      },
    ]
    if downloads {
      context["downloads"] = [
        "links": Listing.diagnosisDownloads.map { format in
          [
            "url": Listing.diagnosis(city: d.city.name, language: d.language, format: format),
            "label": format.uppercased(),
          ]
        }
      ]
    }
    return PageContent(
      template: "diagnosis", title: title, navigation: "diagnosis", context: context)
  }

  /// A bar pair per domain: findings above, local practices below, on one scale.
  func chart(_ bars: [Diagnosis.Bar], gaps: Set<String>) -> [String: Any] {
    let labelWidth = 290.0
    let barWidth = 300.0
    let rowHeight = 40.0
    let barHeight = 14.0
    let largest = Double(max(bars.map { max($0.findings, $0.practices) }.max() ?? 1, 1))
    func width(_ count: Int) -> String {
      String(format: "%.1f", count == 0 ? 0 : max(2, barWidth * Double(count) / largest))
    }
    func after(_ count: Int) -> String {
      String(format: "%.1f", labelWidth + 10 + barWidth * Double(count) / largest + 6)
    }
    return [
      "width": Int(labelWidth + barWidth + 50), "height": Int(rowHeight * Double(bars.count) + 8),
      "labelX": Int(labelWidth), "barX": Int(labelWidth + 10), "barHeight": Int(barHeight),
      "bars": bars.enumerated().map { index, bar in
        let top = 6 + rowHeight * Double(index)
        return [
          "label": bar.domain.label, "findings": bar.findings, "practices": bar.practices,
          "gap": bar.findings > 0 && bar.practices == 0 || gaps.contains(bar.domain.uri),
          "labelY": Int(top + barHeight + 5), "findingsY": Int(top),
          "findingsWidth": width(bar.findings), "findingsCountX": after(bar.findings),
          "findingsTextY": Int(top + barHeight - 2), "practicesY": Int(top + barHeight + 2),
          "practicesWidth": width(bar.practices), "practicesCountX": after(bar.practices),
          "practicesTextY": Int(top + 2 * barHeight),
        ] as [String: Any]
      },
    ]
  }

  /// The page inside the site's layout (`standalone: false`), or a document of its own with the
  /// stylesheet inside and no site navigation, for a file, an e-mail or the PDF printer.
  public func html(
    _ d: Diagnosis, standalone: Bool, downloads: Bool = false, baseURL: String? = nil
  ) throws -> String {
    try site.render(
      content(d, downloads: downloads, entryBase: standalone ? baseURL : ""), language: d.language,
      path: Listing.path(.city, d.city.name) + "diagnosis/", exported: true,
      standalone: standalone)
  }
}

import DromSite
import Foundation

/// The visit plan as CSV (one row per visit) and iCalendar (one draft event per visit, on its
/// stop's day), and as a page of the site or a document of its own.
public struct VisitPlanText {
  let site: Site
  /// The directory's public address, for links to entry pages; nil links the partners' pages.
  let baseURL: String?

  public init(site: Site, baseURL: String? = nil) {
    self.site = site
    self.baseURL = baseURL
  }

  func url(_ item: Diagnosis.Item, language: String) -> String? {
    if let baseURL { return baseURL + "/\(language)/entry/\(item.slug)/" }
    return item.link
  }

  public func csv(_ plan: VisitPlan) -> String {
    let text = DiagnosisText(strings: site.strings(plan.language))
    var rows: [[String]] = [
      [
        "day", "date", "country", "city", "title", "kind", "partner", "address", "contacts",
        "languages", "page",
      ]
    ]
    for stop in plan.stops {
      for visit in stop.visits {
        rows.append([
          String(stop.day), DiagnosisText.day(stop.date), stop.country ?? "", stop.city,
          visit.item.title, visit.item.kind, visit.item.partner, visit.address,
          visit.item.contacts.map { text.contactText($0, escape: false) }.joined(separator: "; "),
          visit.languages.joined(separator: " "), url(visit.item, language: plan.language) ?? "",
        ])
      }
    }
    return rows.map { CSV.row($0) }.joined()
  }

  /// A calendar of draft (tentative, free-time) all-day events a planner imports and moves.
  public func iCalendar(_ plan: VisitPlan) -> String {
    let strings = site.strings(plan.language)
    let text = DiagnosisText(strings: strings)
    var calendar = ICalendar()
    calendar.begin("VCALENDAR")
    calendar.raw("VERSION", "2.0")
    calendar.raw("PRODID", "-//Drom//Study visit plan//EN")
    calendar.raw("CALSCALE", "GREGORIAN")
    calendar.text("X-WR-CALNAME", strings["visitTitle"] ?? "Study visit")
    for stop in plan.stops {
      for visit in stop.visits {
        let next = DiagnosisBuilder.utc.date(byAdding: .day, value: 1, to: stop.date) ?? stop.date
        calendar.begin("VEVENT")
        calendar.raw("UID", "\(visit.item.slug)-\(ICalendar.date(plan.start))@drom")
        calendar.raw("DTSTAMP", ICalendar.timestamp(plan.generated))
        calendar.raw("DTSTART;VALUE=DATE", ICalendar.date(stop.date))
        calendar.raw("DTEND;VALUE=DATE", ICalendar.date(next))
        calendar.text("SUMMARY", "\(strings["visitEvent"] ?? "Study visit"): \(visit.item.title)")
        calendar.text("LOCATION", visit.address)
        var description = [visit.item.partner]
        if let summary = visit.item.summary { description.append(summary) }
        for contact in visit.item.contacts {
          description.append(
            "\(strings["diagnosisContact"] ?? "Contact"): \(text.contactText(contact, escape: false))"
          )
        }
        if let link = url(visit.item, language: plan.language) { description.append(link) }
        calendar.text("DESCRIPTION", description.joined(separator: "\n"))
        if let link = url(visit.item, language: plan.language),
          link.hasPrefix("https://") || link.hasPrefix("http://")
        {
          calendar.raw("URL", link.replacingOccurrences(of: " ", with: "%20"))
        }
        calendar.raw("STATUS", "TENTATIVE")
        calendar.raw("TRANSP", "TRANSPARENT")
        calendar.text("CATEGORIES", strings["visitEvent"] ?? "Study visit")
        calendar.end("VEVENT")
      }
    }
    calendar.end("VCALENDAR")
    return calendar.text
  }

  /// The plan's page. `shortlist` (the live service) adds a form to take each visit out and
  /// the downloads; without it the page is a document to print.
  public func content(_ plan: VisitPlan, shortlist: [String]? = nil) -> PageContent {
    let strings = site.strings(plan.language)
    let text = DiagnosisText(strings: strings)
    let language = plan.language
    func query(_ slugs: [String], _ extra: String = "") -> String {
      let items = slugs.map { "visit=\(URLQuery.escape($0))" } + (extra.isEmpty ? [] : [extra])
      return items.joined(separator: "&")
    }
    let start = DiagnosisText.day(plan.start)
    var context: [String: Any] = [
      "title": strings["visitTitle"] ?? "Study visit plan", "start": start,
      "stops": plan.stops.map { stop in
        [
          "day": stop.day, "date": DiagnosisText.day(stop.date),
          "place": [stop.city, stop.country].compactMap { $0 }.joined(separator: ", "),
          "visits": stop.visits.map { visit in
            [
              "title": visit.item.title,
              "url": present(
                shortlist != nil
                  ? "/\(language)/entry/\(visit.item.slug)/" : url(visit.item, language: language)),
              "partner": visit.item.partner, "address": visit.address,
              "summary": present(visit.item.summary),
              "contacts": visit.item.contacts.map { ["text": text.contactText($0, escape: false)] },
              "languages": present(visit.languages.joined(separator: ", ")),
              "remove": shortlist.map { list in
                "/\(language)/visit?"
                  + query(list.filter { $0 != visit.item.slug }, "start=\(start)")
              } ?? false,
            ] as [String: Any]
          },
        ] as [String: Any]
      },
      "missing": present(plan.missing.joined(separator: ", ")),
      "empty": plan.stops.isEmpty,
    ]
    if let shortlist {
      context["shortlist"] = shortlist
      context["downloads"] = [
        [
          "label": "iCalendar",
          "url": "/\(language)/visit.ics?" + query(shortlist, "start=\(start)"),
        ],
        ["label": "CSV", "url": "/\(language)/visit.csv?" + query(shortlist, "start=\(start)")],
      ]
      context["search"] = "/\(language)/search?" + query(shortlist)
    }
    return PageContent(
      template: "visit", title: strings["visitTitle"] ?? "Study visit plan", navigation: "visit",
      context: context)
  }
}

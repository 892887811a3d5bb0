import DromModel
import DromStore
import DromVocabulary
import Foundation

/// A study visit: the practices a planner picked, grouped by city, one city a day, in a
/// suggested order (country by country, each time to the nearest next city), with where to
/// go, whom to contact and the languages they speak. Every format (HTML, CSV, iCalendar) is
/// written from this one value.
public struct VisitPlan: Codable, Sendable {
  public struct Stop: Codable, Sendable {
    public var day: Int
    /// The day's date, from the plan's first day.
    public var date: Date
    public var city: String
    public var country: String?
    public var visits: [Visit]
  }

  public struct Visit: Codable, Sendable {
    public var item: Diagnosis.Item
    /// Where to go: an address from the entry's contact cards, else its city and country.
    public var address: String
    /// The languages the contacts speak, without repeats.
    public var languages: [String]
  }

  public var language: String
  public var generated: Date
  public var start: Date
  public var stops: [Stop]
  /// Entries asked for that the index does not hold (withdrawn since they were picked).
  public var missing: [String]

  /// The most entries a plan takes: a visit is days, not a list of everything.
  public static let maxEntries = 60

  /// A plan starts on the Monday after today unless told otherwise.
  public static func defaultStart(after date: Date) -> Date {
    let calendar = DiagnosisBuilder.utc
    let today = calendar.startOfDay(for: date)
    let weekday = calendar.component(.weekday, from: today)  // 1 = Sunday, 2 = Monday
    let ahead = (9 - weekday) % 7
    return calendar.date(byAdding: .day, value: ahead == 0 ? 7 : ahead, to: today) ?? today
  }
}

extension DiagnosisBuilder {
  /// The plan for these entries (page addresses, or the ids their feeds give them), in the
  /// reader's language; `now` decides whose consent holds, `start` is the first day.
  public func visitPlan(entries wanted: [String], language: String, start: Date, now: Date) throws
    -> VisitPlan
  {
    var seen: Set<String> = []
    let unique = wanted.filter { seen.insert($0).inserted }.prefix(VisitPlan.maxEntries)
    var found: [ReportEntry] = []
    var missing: [String] = []
    for reference in unique {
      if let entry = try database.reportEntries(slugs: [reference]).first
        ?? (try database.slug(forEntryID: reference)).flatMap({
          try database.reportEntries(slugs: [$0]).first
        })
      {
        if !found.contains(where: { $0.slug == entry.slug }) { found.append(entry) }
      } else {
        missing.append(reference)
      }
    }
    // Group by city (the entry's first, else its partner's), keeping the order picked.
    var groups: [(city: String, country: String?, entries: [ReportEntry])] = []
    for entry in found {
      let city =
        entry.values(.city).first ?? entry.source.description.city
        ?? entry.values(.country).first ?? "—"
      let country = entry.values(.country).first ?? entry.source.description.country
      if let index = groups.firstIndex(where: { $0.city == city && $0.country == country }) {
        groups[index].entries.append(entry)
      } else {
        groups.append((city, country, [entry]))
      }
    }
    let ordered = suggestedOrder(groups.map { ($0.city, $0.country) })
    let calendar = Self.utc
    let stops = ordered.enumerated().map { offset, position in
      let group = groups[position]
      return VisitPlan.Stop(
        day: offset + 1,
        date: calendar.date(byAdding: .day, value: offset, to: start) ?? start,
        city: group.city, country: group.country,
        visits: group.entries.map { entry in
          let item = item(entry, language: language, now: now)
          var languages: [String] = []
          for tag in item.contacts.flatMap(\.languages) where !languages.contains(tag) {
            languages.append(tag)
          }
          let address =
            item.contacts.compactMap(\.address).first
            ?? [group.city, group.country].compactMap { $0 }.joined(separator: ", ")
          return VisitPlan.Visit(item: item, address: address, languages: languages)
        })
    }
    return VisitPlan(
      language: language, generated: now, start: start, stops: stops, missing: missing)
  }

  /// Country by country, starting where the first pick is; within and between countries, each
  /// time the nearest next city (great-circle, from the gazetteer). Cities the gazetteer cannot
  /// place come last in their country, by name.
  func suggestedOrder(_ cities: [(city: String, country: String?)]) -> [Int] {
    guard !cities.isEmpty else { return [] }
    let places = cities.map { vocabulary.places.coordinates(of: $0.city, country: $0.country) }
    var left = Set(cities.indices)
    var order: [Int] = []
    var current = 0
    func distance(_ a: Int, _ b: Int) -> Double {
      guard let p = places[a], let q = places[b] else { return .infinity }
      return Self.kilometres(p, q)
    }
    while !left.isEmpty {
      let country = cities[current].country
      var here = current
      // Finish the country first.
      while let next = left.filter({ cities[$0].country == country }).min(by: {
        (distance(here, $0), cities[$0].city) < (distance(here, $1), cities[$1].city)
      }) {
        order.append(next)
        left.remove(next)
        here = next
      }
      guard
        let nextCountry = left.min(by: {
          (distance(here, $0), cities[$0].country ?? "", cities[$0].city) < (
            distance(here, $1), cities[$1].country ?? "", cities[$1].city
          )
        })
      else { break }
      current = nextCountry
    }
    return order
  }

  static func kilometres(_ a: Gazetteer.Coordinates, _ b: Gazetteer.Coordinates) -> Double {
    let radians = Double.pi / 180
    let dLat = (b.latitude - a.latitude) * radians
    let dLon = (b.longitude - a.longitude) * radians
    let h =
      sin(dLat / 2) * sin(dLat / 2)
      + cos(a.latitude * radians) * cos(b.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
    return 2 * 6371 * asin(min(1, h.squareRoot()))
  }

  static var utc: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
  }
}

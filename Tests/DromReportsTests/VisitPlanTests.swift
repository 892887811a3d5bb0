import DromModel
import DromSite
import DromStore
import DromVocabulary
import Foundation
import Testing

@testable import DromReports

@Suite("Study-visit plans", .serialized)
struct VisitPlanTests {
  /// Practices in four countries, picked in a scattered order.
  func picks(_ index: SampleIndex) throws -> [String] {
    var picks: [String] = []
    for city in ["Sevilla", "Novi Sad", "Göteborg", "Craiova", "København", "Madrid"] {
      // A practice of that city alone (some run in two cities).
      let practice = try #require(
        try index.database.reportEntries(ReportFilter(kinds: [.practice], facets: [.city: [city]]))
          .first { $0.values(.city) == [city] })
      picks.append(practice.slug)
    }
    return picks
  }

  @Test("groups by city, one city a day, country by country to the nearest next city")
  func order() async throws {
    let index = try await SampleIndex.make()
    let plan = try index.builder.visitPlan(
      entries: try picks(index) + ["ffffffffffffffff"], language: "en", start: day("2027-03-01"),
      now: day("2026-12-01"))
    #expect(plan.missing == ["ffffffffffffffff"])
    #expect(plan.stops.map(\.day) == Array(1...plan.stops.count))
    #expect(plan.stops.first?.city == "Sevilla")  // where the first pick is
    #expect(plan.stops.first.map { DiagnosisText.day($0.date) } == "2027-03-01")
    // Each country's cities are visited together: Spain, then on.
    let countries = plan.stops.map { $0.country ?? "" }
    var finished: Set<String> = []
    for (previous, country) in zip([""] + countries, countries) where previous != country {
      #expect(!finished.contains(country), "\(countries)")
      finished.insert(previous)
    }
    // Spain is finished first (Madrid, picked last, is day 2); Göteborg and København, 230 km
    // apart, follow each other, as do Novi Sad and Craiova.
    #expect(plan.stops.map(\.city).prefix(2) == ["Sevilla", "Madrid"])
    let order = plan.stops.map(\.city)
    let goteborg = try #require(order.firstIndex(of: "Göteborg"))
    let kobenhavn = try #require(order.firstIndex(of: "København"))
    #expect(abs(goteborg - kobenhavn) == 1, "\(order)")
    #expect(plan.stops.flatMap(\.visits).count == 6)
  }

  @Test("iCalendar: a draft event per visit, escaped and folded as RFC 5545 asks")
  func iCalendar() async throws {
    let index = try await SampleIndex.make()
    let plan = try index.builder.visitPlan(
      entries: try picks(index), language: "sr-Cyrl", start: day("2027-03-01"),
      now: day("2026-12-01"))
    let ics = VisitPlanText(site: index.site, baseURL: "https://drom.example.org").iCalendar(plan)
    let lines = ics.components(separatedBy: "\r\n")
    #expect(lines.first == "BEGIN:VCALENDAR" && lines.dropLast().last == "END:VCALENDAR")
    #expect(lines.last == "")  // ends with CRLF
    #expect(!ics.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    for line in lines { #expect(line.utf8.count <= 75, "\(line)") }
    #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 6)
    #expect(lines.filter { $0 == "STATUS:TENTATIVE" }.count == 6)
    // Unfolded, every property is one line; TEXT values escape , ; and line breaks.
    let unfolded = ics.replacingOccurrences(of: "\r\n ", with: "")
    let uids = unfolded.components(separatedBy: "\r\n").filter { $0.hasPrefix("UID:") }
    #expect(Set(uids).count == 6)
    #expect(unfolded.contains("LOCATION:Novi Sad\\, RS"))
    #expect(unfolded.contains("DTSTART;VALUE=DATE:20270301"))
    // Folding never splits a character: every line is valid UTF-8 on its own.
    for line in lines { #expect(String(validating: Array(line.utf8), as: UTF8.self) != nil) }
  }

  @Test("the escaping and folding of hostile text")
  func hostileText() {
    var calendar = ICalendar()
    calendar.text("SUMMARY", "a,b;c\\d\ne\r\u{7}" + String(repeating: "ђ", count: 60))
    let text = calendar.text
    #expect(text.hasPrefix("SUMMARY:a\\,b\\;c\\\\d\\ne"))
    #expect(!text.contains("\u{7}"))
    for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75) }
    #expect(
      text.replacingOccurrences(of: "\r\n ", with: "").hasSuffix(
        String(repeating: "ђ", count: 60) + "\r\n"))
  }
}

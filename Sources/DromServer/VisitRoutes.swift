import DromReports
import DromSite
import DromStore
import Foundation
import Hummingbird

/// A study-visit plan from the shortlist in the address (`/sv/visit?visit=…&visit=…`): the page,
/// and its downloads as iCalendar and CSV. Nothing is stored; the address is the plan.
struct VisitRoutes {
  let directory: Directory

  func register(on router: Router<DromRequestContext>) {
    router.get("/:lang/visit") { request, context in
      let (plan, shortlist) = try await plan(request, context)
      let content = VisitPlanText(site: directory.site).content(plan, shortlist: shortlist)
      return Responses.html(
        try directory.site.render(content, language: plan.language, path: "/visit"),
        request: request)
    }
    router.get("/:lang/visit.ics") { request, context in
      let (plan, _) = try await plan(request, context)
      var response = Responses.make(
        VisitPlanText(site: directory.site, baseURL: baseURL(request)).iCalendar(plan),
        type: "text/calendar; charset=utf-8", request: request, cache: "no-store")
      response.headers[.contentDisposition] = "attachment; filename=\"visit.ics\""
      return response
    }
    router.get("/:lang/visit.csv") { request, context in
      let (plan, _) = try await plan(request, context)
      var response = Responses.make(
        VisitPlanText(site: directory.site, baseURL: baseURL(request)).csv(plan),
        type: "text/csv; charset=utf-8", request: request, cache: "no-store")
      response.headers[.contentDisposition] = "attachment; filename=\"visit.csv\""
      return response
    }
  }

  private func plan(_ request: Request, _ context: DromRequestContext) async throws -> (
    VisitPlan, [String]
  ) {
    let language = try context.parameters.require("lang")
    guard directory.site.supports(language) else {
      throw DirectoryError(
        status: .notFound, code: "not-found", message: "there is no page in '\(language)'")
    }
    let parameters = try SearchParameters.read(request)
    let now = Date()
    var start = VisitPlan.defaultStart(after: now)
    if let day = request.queryItems.last(where: { $0.0 == "start" })?.1, !day.isEmpty {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withFullDate]
      guard let date = formatter.date(from: day) else {
        throw DirectoryError(
          status: .badRequest, code: "bad-parameter",
          message: "the parameter 'start' cannot be '\(day.prefix(40))': write a date as 2027-03-01"
        )
      }
      start = date
    }
    let visit = parameters.visit
    let first = start
    let plan = try await offCooperativePool { [directory] in
      try DiagnosisBuilder(database: directory.database, vocabulary: directory.vocabulary)
        .visitPlan(entries: visit, language: language, start: first, now: now)
    }
    return (plan, visit)
  }
}

import DromStore
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus

/// Prometheus metrics at `/metrics`: requests by route and status, latency, and how old the
/// index is (seconds since the last harvest ended), so an operator can alert on a stale
/// directory.
final class DirectoryMetrics: Sendable {
  let registry = PrometheusCollectorRegistry()
  private let indexAge: Gauge
  private let entries: Gauge

  init() {
    indexAge = registry.makeGauge(
      descriptor: MetricNameDescriptor(
        namespace: "drom", metricName: "index_age", unitName: "seconds",
        helpText: "Seconds since the newest harvest of any source ended"))
    entries = registry.makeGauge(
      descriptor: MetricNameDescriptor(
        namespace: "drom", metricName: "index_entries", unitName: "count",
        helpText: "Entries in the index"))
  }

  func requests(route: String, status: Int) -> Counter {
    registry.makeCounter(
      descriptor: MetricNameDescriptor(
        namespace: "drom", metricName: "http_requests", unitName: "total",
        helpText: "HTTP requests answered"),
      labels: [("route", route), ("status", String(status))])
  }

  func latency(route: String) -> DurationHistogram {
    registry.makeDurationHistogram(
      descriptor: MetricNameDescriptor(
        namespace: "drom", metricName: "http_request_duration", unitName: "seconds",
        helpText: "Time to answer a request"),
      labels: [("route", route)],
      buckets: [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .seconds(1),
      ])
  }

  func exposition(database: DromDatabase) throws -> String {
    let overview = try database.overview()
    indexAge.set(overview.lastHarvest.map { Date().timeIntervalSince($0) } ?? -1)
    entries.set(Double(overview.entries))
    return registry.emitToString()
  }
}

/// Counts and times every request by its route pattern (`/{lang}/entry/{slug}`), not its path, so
/// the number of series stays bounded.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
  let metrics: DirectoryMetrics

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    let start = ContinuousClock.now
    let response = try await next(request, context)
    let route = context.endpointPath ?? "unmatched"
    metrics.requests(route: route, status: Int(response.status.code)).increment()
    metrics.latency(route: route).record(ContinuousClock.now - start)
    return response
  }
}

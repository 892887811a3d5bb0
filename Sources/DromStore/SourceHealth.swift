import Foundation

/// A source's health, as `drom sources`, the API and the sources page report it.
public struct SourceHealth: Encodable, Sendable {
  public var key: String
  public var title: String
  public var city: String?
  public var country: String?
  public var entries: Int
  public var failures: Int
  public var lastSuccessAt: Date?
  public var lastAttemptAt: Date?
  public var status: String

  public init(state: SourceState, entries: Int) {
    key = state.description.key
    title = state.description.title
    city = state.description.city
    country = state.description.country
    self.entries = entries
    failures = state.failures
    lastSuccessAt = state.lastSuccessAt
    lastAttemptAt = state.lastAttemptAt
    status = state.lastAttemptAt == nil ? "new" : state.failures == 0 ? "ok" : "failing"
  }
}

import Foundation

/// When to try a failing source again: exponential, with jitter so failed sources do not all
/// return at once, capped at a day so no source is ever given up for good.
public struct Backoff: Sendable {
  public var base: TimeInterval = 15 * 60
  public var cap: TimeInterval = 24 * 3600

  public init() {}

  public func nextAttempt(
    after failures: Int, from now: Date, jitter: Double = .random(in: 0.5...1.5)
  ) -> Date {
    let exponent = Double(max(0, failures - 1))
    let delay = min(cap, base * pow(2, min(exponent, 20))) * jitter
    return now.addingTimeInterval(min(delay, cap))
  }
}

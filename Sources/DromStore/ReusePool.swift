import Foundation

/// Values a search borrows and gives back for the next one (working arrays, term caches), so
/// that they are made once, not per search. At most `limit` wait between uses; more are made
/// while more searches run at once, and dropped when given back.
final class ReusePool<Value>: @unchecked Sendable {  // `free` under `lock`
  private let lock = NSLock()
  private var free: [Value] = []
  private let limit: Int
  private let make: () -> Value

  init(limit: Int, make: @escaping () -> Value) {
    self.limit = limit
    self.make = make
  }

  func with<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    var value = lock.withLock { free.popLast() } ?? make()
    defer { lock.withLock { if free.count < limit { free.append(value) } } }
    return try body(&value)
  }
}

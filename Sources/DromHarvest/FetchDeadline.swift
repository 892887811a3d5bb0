import Synchronization

/// How many bytes of a body have arrived so far, readable when the deadline strikes.
final class ReceivedBytes: Sendable {
  private let value = Atomic<Int>(0)

  var count: Int {
    get { value.load(ordering: .relaxed) }
    set { value.store(newValue, ordering: .relaxed) }
  }
}

/// Runs `operation`, cancelling it when `seconds` have passed and throwing
/// `FetchError.timeout` with the bytes received by then. Cancelling the task cancels the HTTP
/// request, which closes its connection.
func withDeadline<Value: Sendable>(
  seconds: Int, received: ReceivedBytes,
  _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
  try await withThrowingTaskGroup(of: Value?.self) { group in
    group.addTask { try await operation() }
    group.addTask {
      try await Task.sleep(for: .seconds(seconds))
      return nil
    }
    defer { group.cancelAll() }
    if let first = try await group.next(), let value = first { return value }
    throw FetchError.timeout(seconds: seconds, bytesReceived: received.count)
  }
}

import NIOConcurrencyHelpers
import XCTest

/// Events recorded from any thread, and bounded waits for them.
final class EventLog<Event: Sendable>: Sendable {
    private let events = NIOLockedValueBox<[Event]>([])

    func append(_ event: Event) { events.withLockedValue { $0.append(event) } }

    var all: [Event] { events.withLockedValue { $0 } }

    /// The first recorded event `match` accepts, waiting at most `seconds`.
    func first<Value>(
        within seconds: Double = 5, file: StaticString = #filePath, line: UInt = #line, _ match: (Event) -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = all.lazy.compactMap(match).first { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("no matching event within \(seconds) s; saw \(all)", file: file, line: line)
        throw CancellationError()
    }

    /// How many recorded events `match` accepts.
    func count(_ match: (Event) -> Bool) -> Int { all.filter(match).count }
}

import NIOCore

/// Capped exponential backoff with jitter between reconnect attempts: the n-th consecutive
/// failure waits a random time in [d/2, d] where d = min(initial × 2ⁿ, max). The jitter keeps a
/// cluster's nodes from reconnecting in lockstep after the coordinator restarts.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initialDelay: TimeAmount
    public var maxDelay: TimeAmount
    public private(set) var failures = 0

    public init(initialDelay: TimeAmount = .milliseconds(100), maxDelay: TimeAmount = .seconds(5)) {
        precondition(initialDelay.nanoseconds > 0 && maxDelay >= initialDelay, "backoff delays must be positive and ordered")
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The delay before the next attempt, counting one more failure.
    public mutating func nextDelay<Generator: RandomNumberGenerator>(using generator: inout Generator) -> TimeAmount {
        let doublings = min(failures, 30)
        failures += 1
        let uncapped = initialDelay.nanoseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        let delay = uncapped.overflow ? maxDelay.nanoseconds : min(uncapped.partialValue, maxDelay.nanoseconds)
        return .nanoseconds(Int64.random(in: (delay / 2)...delay, using: &generator))
    }

    public mutating func nextDelay() -> TimeAmount {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// A connection came up: the next failure starts from `initialDelay` again.
    public mutating func reset() { failures = 0 }
}

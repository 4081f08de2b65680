/// Where the connections of one event loop record results. Only that loop touches it, so recording
/// takes no lock; once a second the runner hops onto the loop and takes the interval away.
final class LoopRecorder {
    private var current = IntervalStatistics()

    func record(_ operation: BenchOperation.Kind, _ outcome: RequestOutcome, latencyMicroseconds: UInt64) {
        current.record(operation, outcome, latencyMicroseconds: latencyMicroseconds)
    }

    func recordTimeout() {
        current.timeouts += 1
    }

    func recordLost(_ kind: BenchErrorKind) {
        current.errors[kind] += 1
    }

    func recordVerification(_ update: (inout VerificationCounts) -> Void) {
        update(&current.verification)
    }

    func recordReconnect() {
        current.reconnects += 1
    }

    /// Hands over what was recorded since the last call and starts a fresh interval.
    func takeInterval() -> IntervalStatistics {
        defer { current = IntervalStatistics() }
        return current
    }
}

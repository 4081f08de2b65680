/// Where the connections of one event loop record results. Only that loop touches it, so recording
/// takes no lock; once a second the runner hops onto the loop and takes the interval away.
final class LoopRecorder {
    private var current = IntervalStatistics()
    /// Operations traced for `--trace`, at most `traceCapacity`; later ones are only counted.
    private var traces: [OperationTrace] = []
    private let traceCapacity: Int
    private var tracesDropped = 0

    init(traceCapacity: Int = 0) {
        self.traceCapacity = traceCapacity
    }

    var isTracing: Bool { traceCapacity > 0 }

    func recordTrace(_ trace: OperationTrace) {
        guard traces.count < traceCapacity else {
            tracesDropped += 1
            return
        }
        traces.append(trace)
    }

    /// Hands over the traced operations (and how many did not fit) and starts afresh.
    func takeTraces() -> (traces: [OperationTrace], dropped: Int) {
        defer {
            traces = []
            tracesDropped = 0
        }
        return (traces, tracesDropped)
    }

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

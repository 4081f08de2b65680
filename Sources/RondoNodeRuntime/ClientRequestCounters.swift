import Synchronization

/// Running totals of the client requests a cluster node routed and of those it answered with
/// `SERVER_ERROR`: counted by the runtime (any client loop), read at each heartbeat.
final class ClientRequestCounters: Sendable {
    private let requestCount = Atomic<Int>(0)
    private let errorCount = Atomic<Int>(0)

    var requests: Int { requestCount.load(ordering: .relaxed) }
    var errors: Int { errorCount.load(ordering: .relaxed) }

    func requestRouted() { requestCount.add(1, ordering: .relaxed) }
    func requestFailed() { errorCount.add(1, ordering: .relaxed) }
}

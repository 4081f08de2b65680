import NIOCore
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

    /// Counts `result` as an error when the client will see one: a failure, or an owner's
    /// `SERVER_ERROR` relayed.
    func count(_ result: Result<ByteBuffer, any Error>) {
        if Self.isFailure(result) { requestFailed() }
    }

    private static func isFailure(_ result: Result<ByteBuffer, any Error>) -> Bool {
        switch result {
        case .failure: return true
        case .success(let reply): return reply.readableBytesView.starts(with: serverErrorPrefix)
        }
    }

    private static let serverErrorPrefix = Array("SERVER_ERROR".utf8)
}

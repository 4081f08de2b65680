import RondoCluster
import RondoCore
import RondoPeer

/// Messages for a peer this node has no connection to yet, in the order the `ClusterNode` emitted
/// them. The state machine assumes a stream to each peer; a transfer's first batches sent before
/// the connection is up (a node that just restarted, a joining target) would otherwise be lost and
/// the copy would stall until the coordinator's transfer timeout. Bounded in count, bytes and age:
/// what overflows or waits too long is discarded whole, and the caller treats that like a broken
/// connection.
struct HeldPeerMessages {
    static let countMax = 4096
    static let bytesMax = 64 << 20
    static let ageMaxMilliseconds: Int64 = 10_000

    private(set) var messages: [any PeerMessage] = []
    private(set) var bytes = 0
    private(set) var since: ClusterInstant

    init(since: ClusterInstant) { self.since = since }

    /// Adds a message; false (and nothing added) when it would pass a bound.
    mutating func hold(_ message: any PeerMessage) -> Bool {
        let size = Self.estimatedBytes(message)
        guard messages.count < Self.countMax, bytes + size <= Self.bytesMax else { return false }
        messages.append(message)
        bytes += size
        return true
    }

    func isExpired(now: ClusterInstant) -> Bool {
        now.milliseconds - since.milliseconds > Self.ageMaxMilliseconds
    }

    /// Item bytes dominate the only large messages; every other message counts as a small frame.
    static func estimatedBytes(_ message: any PeerMessage) -> Int {
        switch message {
        case let batch as TransferBatch: return 64 + batch.items.readableBytes
        case let batch as ReplicationBatch: return 64 + batch.items.readableBytes
        default: return 64
        }
    }
}

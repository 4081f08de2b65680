import NIOCore
import RondoCluster
import RondoCore

/// A request this node forwarded and awaits the answer to.
struct PendingForward {
    /// The complete memcached command, kept to resend after a `notOwner` answer.
    var request: ByteBuffer
    /// Where it was last sent.
    var peer: NodeID
    var promise: EventLoopPromise<ByteBuffer>
    var retry: ForwardRetry
    /// The answer is due by then; nil while it waits for a table or a backoff (`retry` bounds that).
    var deadline: ClusterInstant?
}

/// A local write applied to the store and waiting for the replication its write-ack policy needs.
struct PendingLocalWrite {
    /// The engine's reply, sent once every write it made is replicated.
    var reply: ByteBuffer
    var waitingFor: Set<WriteID>
    var promise: EventLoopPromise<ByteBuffer>
}

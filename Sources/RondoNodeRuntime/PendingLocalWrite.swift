import NIOCore
import RondoCluster

/// A local write applied to the store and waiting for the replication its write-ack policy needs.
struct PendingLocalWrite {
    /// The engine's reply, sent once every write it made is replicated.
    var reply: ByteBuffer
    var waitingFor: Set<WriteID>
    var promise: EventLoopPromise<ByteBuffer>
}

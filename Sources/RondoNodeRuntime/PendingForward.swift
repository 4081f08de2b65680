import NIOCore
import RondoCluster
import RondoCore

/// A request this node forwarded and awaits the answer to.
struct PendingForward {
    /// The complete memcached command, kept to resend after a `notOwner` answer.
    var request: ByteBuffer
    /// Where it was last sent.
    var peer: NodeID
    var completion: ForwardCompletion
    var retry: ForwardRetry
    /// The answer is due by then; nil while it waits for a table or a backoff (`retry` bounds that).
    var deadline: ClusterInstant?
}

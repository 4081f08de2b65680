import RondoCore

/// One client: at most one operation in flight, retried on `notOwner`, failure or timeout up to
/// `requestAttemptsMax` attempts, each through a node chosen at random (a client may talk to any
/// node).
struct SimulatedClient {
    struct Operation {
        var requestID: UInt64
        var keyIndex: Int
        var operation: ClientOperation
        var attempt: Int
        var entryNode: NodeID
        var deadline: Int64
        /// Set between attempts: the next one goes out at this time.
        var retryAt: Int64?
    }

    let index: Int
    var operation: Operation?
    var nextWrite = 0
}

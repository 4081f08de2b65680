/// What a simulated client asks of the cluster. Values are unique per write attempt
/// (`c<client>-w<write>`), so a value read back names the write that left it.
enum ClientOperation: Sendable, Equatable {
    case set(value: String)
    case delete
    case get
}

/// One attempt of a client operation, as the entry node forwards it.
struct ClientRequest: Sendable {
    var requestID: UInt64
    var keyIndex: Int
    var operation: ClientOperation
}

/// The primary's answer to a request.
enum ClientReply: Sendable, Equatable {
    case stored
    case deleted
    /// A get's result: the value, or nil for a miss.
    case value(String?)
    /// This node does not own the key's vnode at its epoch: retry after a newer table.
    case notOwner(epoch: UInt64)
    /// `SERVER_ERROR`: the outcome of a write is unknown.
    case failed(String)
}

/// What the forwarding side does next with a request that met `notOwner`.
public enum ForwardRetryAction: Sendable, Equatable {
    /// Nothing yet.
    case wait
    /// Fetch (or wait for the push of) a table of at least this epoch.
    case awaitTable(atLeast: UInt64)
    /// Route the request again with the node's current table and send it.
    case resend
    /// Answer the client `SERVER_ERROR`.
    case fail(RoutingError)
}

/// A failure the client sees as `SERVER_ERROR <reason>`. The runtime fails its futures with it.
public struct GatewayFailure: Error, Sendable, Equatable {
    /// One line of text; the handler replaces control characters and caps the length.
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

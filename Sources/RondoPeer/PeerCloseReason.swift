/// Why a peer connection is being closed: what the connection's owner logs.
public enum PeerCloseReason: Error, Equatable, Sendable, CustomStringConvertible {
    /// We received bytes or a message that break the protocol.
    case protocolError(PeerProtocolError)
    /// We refused the peer's `Hello`.
    case refusedPeer(HandshakeRefusal)
    /// The peer refused our `Hello`.
    case refusedByPeer(code: HandshakeRefusalCode, text: String)
    /// The peer reported a protocol violation of ours in an `ErrorFrame` and is closing.
    case closedByPeer(code: PeerErrorCode, text: String)
    /// The handshake did not complete in time.
    case handshakeTimeout

    public var description: String {
        switch self {
        case .protocolError(let error): return "protocol error: \(error)"
        case .refusedPeer(let refusal): return "refused the peer: \(refusal)"
        case .refusedByPeer(let code, let text): return "refused by the peer (\(code)): \(text)"
        case .closedByPeer(let code, let text): return "closed by the peer (\(code)): \(text)"
        case .handshakeTimeout: return "handshake timed out"
        }
    }
}

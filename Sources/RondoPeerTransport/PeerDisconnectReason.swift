import RondoPeer

/// Why a peer connection ended (or never came up), as the transport reports it to its owner.
public enum PeerDisconnectReason: Sendable, Equatable, CustomStringConvertible {
    /// A protocol error, refusal or timeout; `PeerCloseReason` says which.
    case protocolClose(PeerCloseReason)
    /// The outbound queue reached `PeerOutboundLimits`; we closed the connection.
    case outboundOverflow(frames: Int, bytes: Int)
    /// The TCP connection could not be opened.
    case connectFailed(String)
    /// The connection ended without a protocol reason (the peer closed it, a reset, or we closed it).
    case connectionClosed
    /// A socket error other than a protocol error.
    case ioError(String)

    public var description: String {
        switch self {
        case .protocolClose(let reason): return reason.description
        case .outboundOverflow(let frames, let bytes): return "outbound queue overflow (\(frames) frames, \(bytes) bytes queued): closed"
        case .connectFailed(let error): return "cannot connect: \(error)"
        case .connectionClosed: return "connection closed"
        case .ioError(let error): return "I/O error: \(error)"
        }
    }
}

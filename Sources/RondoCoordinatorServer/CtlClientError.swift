import RondoPeerTransport

/// Why `rondo ctl` got no answer; each says what to check.
public enum CtlClientError: Error, Sendable, CustomStringConvertible {
    case cannotConnect(address: String, reason: String)
    case handshakeFailed(address: String, reason: String)
    case closedBeforeReply(address: String, reason: PeerDisconnectReason)
    case timedOut(address: String, seconds: Int64)

    public var description: String {
        switch self {
        case .cannotConnect(let address, let reason):
            return "cannot reach coordinator at \(address): \(reason)"
        case .handshakeFailed(let address, let reason):
            return "the coordinator at \(address) did not accept the ctl session: \(reason)"
        case .closedBeforeReply(let address, let reason):
            return "the coordinator at \(address) closed the connection before replying: \(reason)"
        case .timedOut(let address, let seconds):
            return "no reply from the coordinator at \(address) within \(seconds) s"
        }
    }
}

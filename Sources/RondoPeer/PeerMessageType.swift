/// The u16 message type in a frame header. A struct, not an enum, because a frame of a type this
/// release does not know is still a valid frame: it is skipped or answered per its
/// must-understand flag (docs/peer-protocol.md, "Unknown message types").
public struct PeerMessageType: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    // Handshake and connection control: 0x0001...0x000F.
    public static let hello = PeerMessageType(rawValue: 0x0001)
    public static let helloAccepted = PeerMessageType(rawValue: 0x0002)
    public static let helloRefused = PeerMessageType(rawValue: 0x0003)
    public static let heartbeat = PeerMessageType(rawValue: 0x0004)
    public static let error = PeerMessageType(rawValue: 0x0005)
    // Routing and request forwarding: 0x0010...0x001F.
    public static let routingTableUpdate = PeerMessageType(rawValue: 0x0010)
    public static let forwardedRequest = PeerMessageType(rawValue: 0x0011)
    public static let forwardedReply = PeerMessageType(rawValue: 0x0012)
    // Replication: 0x0020...0x002F.
    public static let replicationBatch = PeerMessageType(rawValue: 0x0020)
    public static let replicationAck = PeerMessageType(rawValue: 0x0021)
    // Vnode transfer: 0x0030...0x003F.
    public static let transferBatch = PeerMessageType(rawValue: 0x0030)

    public var name: String? {
        switch self {
        case .hello: return "Hello"
        case .helloAccepted: return "HelloAccepted"
        case .helloRefused: return "HelloRefused"
        case .heartbeat: return "Heartbeat"
        case .error: return "Error"
        case .routingTableUpdate: return "RoutingTableUpdate"
        case .forwardedRequest: return "ForwardedRequest"
        case .forwardedReply: return "ForwardedReply"
        case .replicationBatch: return "ReplicationBatch"
        case .replicationAck: return "ReplicationAck"
        case .transferBatch: return "TransferBatch"
        default: return nil
        }
    }

    public var description: String {
        let hex = "0x" + String(rawValue, radix: 16)
        return name.map { "\($0) (\(hex))" } ?? "unknown type \(hex)"
    }
}

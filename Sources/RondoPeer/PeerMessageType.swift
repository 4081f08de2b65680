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
    public static let replicaHello = PeerMessageType(rawValue: 0x0022)
    // Vnode transfer: 0x0030...0x003F.
    public static let transferBatch = PeerMessageType(rawValue: 0x0030)
    public static let transferCountsNow = PeerMessageType(rawValue: 0x0031)
    // Coordinator <-> node: 0x0040...0x004F.
    public static let transferOrder = PeerMessageType(rawValue: 0x0040)
    public static let dropVnode = PeerMessageType(rawValue: 0x0041)
    public static let epochAcknowledged = PeerMessageType(rawValue: 0x0042)
    public static let transferCompleted = PeerMessageType(rawValue: 0x0043)
    public static let transferFailed = PeerMessageType(rawValue: 0x0044)
    public static let restartNode = PeerMessageType(rawValue: 0x0045)
    // Operator (rondo ctl) <-> coordinator: 0x0050...0x005F.
    public static let ctlRequest = PeerMessageType(rawValue: 0x0050)
    public static let ctlReply = PeerMessageType(rawValue: 0x0051)

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
        case .replicaHello: return "ReplicaHello"
        case .transferCountsNow: return "TransferCountsNow"
        case .transferOrder: return "TransferOrder"
        case .dropVnode: return "DropVnode"
        case .epochAcknowledged: return "EpochAcknowledged"
        case .transferCompleted: return "TransferCompleted"
        case .transferFailed: return "TransferFailed"
        case .restartNode: return "RestartNode"
        case .ctlRequest: return "CtlRequest"
        case .ctlReply: return "CtlReply"
        default: return nil
        }
    }

    public var description: String {
        let hex = "0x" + String(rawValue, radix: 16)
        return name.map { "\($0) (\(hex))" } ?? "unknown type \(hex)"
    }
}

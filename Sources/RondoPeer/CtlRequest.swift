import RondoCore

/// An operator's command from `rondo ctl` to the coordinator, answered by a `CtlReply` with the
/// same `requestID`. Must-understand: a ctl session waits for the answer.
public struct CtlRequest: PeerMessage {
    public static let messageType = PeerMessageType.ctlRequest
    public static let frameFlags: PeerFrameFlags = .mustUnderstand

    public enum Tag {
        public static let requestID: UInt16 = 1
        /// u8, `Command.Code`.
        public static let command: UInt16 = 2
        /// Token: the node of join, release and leave (required for those, absent otherwise).
        public static let node: UInt16 = 3
        /// u16, positive: setTransferLimits only.
        public static let concurrencyPerNode: UInt16 = 4
        /// u64, positive: setTransferLimits only.
        public static let bytesPerSecond: UInt16 = 5
    }

    public enum Command: Sendable, Hashable {
        case join(NodeID)
        case release(NodeID)
        case leave(NodeID)
        case status
        case nodes
        case ring
        case setTransferLimits(concurrencyPerNode: UInt16, bytesPerSecond: UInt64)

        /// The u8 on the wire; other values are malformed.
        public enum Code: UInt8, Sendable {
            case join = 1, release, leave, status, nodes, ring, setTransferLimits
        }

        public var code: Code {
            switch self {
            case .join: return .join
            case .release: return .release
            case .leave: return .leave
            case .status: return .status
            case .nodes: return .nodes
            case .ring: return .ring
            case .setTransferLimits: return .setTransferLimits
            }
        }
    }

    public var requestID: UInt64
    public var command: Command

    public init(requestID: UInt64, command: Command) {
        self.requestID = requestID
        self.command = command
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.requestID, requestID)
        writer.integer(Tag.command, command.code.rawValue)
        switch command {
        case .join(let node), .release(let node), .leave(let node):
            writer.string(Tag.node, node.rawValue)
        case .setTransferLimits(let concurrency, let rate):
            writer.integer(Tag.concurrencyPerNode, concurrency)
            writer.integer(Tag.bytesPerSecond, rate)
        case .status, .nodes, .ring:
            break
        }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        requestID = try reader.integer(Tag.requestID)
        let rawCommand = try reader.integer(Tag.command, as: UInt8.self)
        guard let code = Command.Code(rawValue: rawCommand) else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.command, reason: "unknown command \(rawCommand)")
        }
        switch code {
        case .join: command = .join(try reader.nodeID(Tag.node))
        case .release: command = .release(try reader.nodeID(Tag.node))
        case .leave: command = .leave(try reader.nodeID(Tag.node))
        case .status: command = .status
        case .nodes: command = .nodes
        case .ring: command = .ring
        case .setTransferLimits:
            let concurrency = try reader.integer(Tag.concurrencyPerNode, as: UInt16.self)
            let rate = try reader.integer(Tag.bytesPerSecond, as: UInt64.self)
            guard concurrency > 0 else {
                throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.concurrencyPerNode, reason: "must be positive")
            }
            guard rate > 0 else {
                throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.bytesPerSecond, reason: "must be positive")
            }
            command = .setTransferLimits(concurrencyPerNode: concurrency, bytesPerSecond: rate)
        }
    }
}

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
        // Upgrade plan and start (`CtlUpgradeParameters`); binaryPath also for rollback.
        /// u16, positive: group strategy's batch size; absent for atomic.
        public static let batchSize: UInt16 = 6
        /// Software version.
        public static let targetVersion: UInt16 = 7
        /// String, at most `RestartNode.binaryPathBytesMax` bytes.
        public static let binaryPath: UInt16 = 8
        /// u8, `RestartMode`.
        public static let restartMode: UInt16 = 9
        /// bool, absent means false.
        public static let autoFinalize: UInt16 = 10
        /// u64, positive.
        public static let restartTimeoutMilliseconds: UInt16 = 11
    }

    public enum Command: Sendable, Hashable {
        case join(NodeID)
        case release(NodeID)
        case leave(NodeID)
        case status
        case nodes
        case ring
        case setTransferLimits(concurrencyPerNode: UInt16, bytesPerSecond: UInt64)
        case upgradePlan(CtlUpgradeParameters)
        case upgradeStart(CtlUpgradeParameters)
        case upgradeStatus
        case upgradePause
        case upgradeResume
        case upgradeAbort
        /// `binaryPath`: what the nodes re-execute to go back (in-place mode).
        case upgradeRollback(binaryPath: String?)
        case upgradeFinalize

        /// The u8 on the wire; other values are malformed.
        public enum Code: UInt8, Sendable {
            case join = 1, release, leave, status, nodes, ring, setTransferLimits
            case upgradePlan, upgradeStart, upgradeStatus, upgradePause, upgradeResume, upgradeAbort, upgradeRollback
            case upgradeFinalize
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
            case .upgradePlan: return .upgradePlan
            case .upgradeStart: return .upgradeStart
            case .upgradeStatus: return .upgradeStatus
            case .upgradePause: return .upgradePause
            case .upgradeResume: return .upgradeResume
            case .upgradeAbort: return .upgradeAbort
            case .upgradeRollback: return .upgradeRollback
            case .upgradeFinalize: return .upgradeFinalize
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
        case .upgradePlan(let parameters), .upgradeStart(let parameters):
            parameters.writeFields(into: &writer)
        case .upgradeRollback(let binaryPath):
            if let binaryPath { writer.string(Tag.binaryPath, binaryPath) }
        case .status, .nodes, .ring, .upgradeStatus, .upgradePause, .upgradeResume, .upgradeAbort, .upgradeFinalize:
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
        case .upgradePlan: command = .upgradePlan(try CtlUpgradeParameters(reading: reader))
        case .upgradeStart: command = .upgradeStart(try CtlUpgradeParameters(reading: reader))
        case .upgradeStatus: command = .upgradeStatus
        case .upgradePause: command = .upgradePause
        case .upgradeResume: command = .upgradeResume
        case .upgradeAbort: command = .upgradeAbort
        case .upgradeRollback: command = .upgradeRollback(binaryPath: try Self.optionalBinaryPath(reader))
        case .upgradeFinalize: command = .upgradeFinalize
        }
    }
}

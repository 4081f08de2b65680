import RondoCore

/// The coordinator tells a node to restart for a rolling upgrade (or its rollback). The node has
/// been released (it holds no vnode), so its restart costs the cluster no redundancy. In
/// `inPlace` mode the node re-executes `binaryPath` (its own binary when absent); in `external`
/// mode the message only tells the node what is expected of it. Must-understand: a node that
/// cannot restart must not look as if it would.
public struct RestartNode: PeerMessage {
    public static let messageType = PeerMessageType.restartNode
    public static let frameFlags: PeerFrameFlags = .mustUnderstand
    /// A path longer than any file system allows is malformed.
    public static let binaryPathBytesMax = 4096

    public enum Tag {
        /// Token: the node that must restart (a node refuses an order meant for another).
        public static let node: UInt16 = 1
        /// String, optional: the binary to execute.
        public static let binaryPath: UInt16 = 2
        /// u8, `RestartMode`.
        public static let mode: UInt16 = 3
        /// u64: how long the coordinator waits for the node to come back, counted from when the
        /// node receives the order (the two clocks are not compared).
        public static let timeoutMilliseconds: UInt16 = 4
    }

    public var node: NodeID
    public var binaryPath: String?
    public var mode: RestartMode
    public var timeoutMilliseconds: UInt64

    public init(node: NodeID, binaryPath: String?, mode: RestartMode, timeoutMilliseconds: UInt64) {
        self.node = node
        self.binaryPath = binaryPath
        self.mode = mode
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.string(Tag.node, node.rawValue)
        if let binaryPath { writer.string(Tag.binaryPath, binaryPath) }
        writer.integer(Tag.mode, mode.rawValue)
        writer.integer(Tag.timeoutMilliseconds, timeoutMilliseconds)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        node = try reader.nodeID(Tag.node)
        binaryPath = try reader.optionalString(Tag.binaryPath, bytesMax: Self.binaryPathBytesMax)
        if binaryPath?.isEmpty == true {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.binaryPath, reason: "empty path")
        }
        let rawMode = try reader.integer(Tag.mode, as: UInt8.self)
        guard let mode = RestartMode(rawValue: rawMode) else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.mode, reason: "unknown restart mode \(rawMode)")
        }
        self.mode = mode
        timeoutMilliseconds = try reader.integer(Tag.timeoutMilliseconds)
        guard timeoutMilliseconds > 0 else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.timeoutMilliseconds, reason: "must be positive")
        }
    }
}

import RondoCore

/// What `rondo ctl upgrade plan|start` asks for, on the wire: the target (a version, a binary or
/// both), the strategy and the restart mode. The coordinator validates it against the cluster;
/// the wire only checks that each field is well formed.
public struct CtlUpgradeParameters: Sendable, Hashable {
    /// `group` with a batch of this many nodes; nil means `atomic` (half, then the other half).
    public var batchSize: UInt16?
    public var targetVersion: SemanticVersion?
    public var binaryPath: String?
    public var restartMode: RestartMode
    public var autoFinalize: Bool
    /// How long a node may take to come back after its restart order; nil: the coordinator's default.
    public var restartTimeoutMilliseconds: UInt64?

    public init(
        batchSize: UInt16?, targetVersion: SemanticVersion?, binaryPath: String?, restartMode: RestartMode,
        autoFinalize: Bool = false, restartTimeoutMilliseconds: UInt64? = nil
    ) {
        self.batchSize = batchSize
        self.targetVersion = targetVersion
        self.binaryPath = binaryPath
        self.restartMode = restartMode
        self.autoFinalize = autoFinalize
        self.restartTimeoutMilliseconds = restartTimeoutMilliseconds
    }

    func writeFields(into writer: inout PeerFieldWriter) {
        if let batchSize { writer.integer(CtlRequest.Tag.batchSize, batchSize) }
        if let targetVersion { writer.softwareVersion(CtlRequest.Tag.targetVersion, targetVersion) }
        if let binaryPath { writer.string(CtlRequest.Tag.binaryPath, binaryPath) }
        writer.integer(CtlRequest.Tag.restartMode, restartMode.rawValue)
        if autoFinalize { writer.bool(CtlRequest.Tag.autoFinalize, true) }
        if let restartTimeoutMilliseconds { writer.integer(CtlRequest.Tag.restartTimeoutMilliseconds, restartTimeoutMilliseconds) }
    }

    init(reading reader: PeerFieldReader) throws(PeerProtocolError) {
        let type = CtlRequest.messageType
        batchSize = try reader.optionalInteger(CtlRequest.Tag.batchSize, as: UInt16.self)
        guard batchSize != 0 else {
            throw .invalidFieldValue(messageType: type, tag: CtlRequest.Tag.batchSize, reason: "must be positive")
        }
        targetVersion = try reader.optionalSoftwareVersion(CtlRequest.Tag.targetVersion)
        binaryPath = try CtlRequest.optionalBinaryPath(reader)
        let rawMode = try reader.integer(CtlRequest.Tag.restartMode, as: UInt8.self)
        guard let mode = RestartMode(rawValue: rawMode) else {
            throw .invalidFieldValue(messageType: type, tag: CtlRequest.Tag.restartMode, reason: "unknown restart mode \(rawMode)")
        }
        restartMode = mode
        autoFinalize = try reader.optionalBytes(CtlRequest.Tag.autoFinalize) == nil ? false : try reader.bool(CtlRequest.Tag.autoFinalize)
        restartTimeoutMilliseconds = try reader.optionalInteger(CtlRequest.Tag.restartTimeoutMilliseconds, as: UInt64.self)
        guard restartTimeoutMilliseconds != 0 else {
            throw .invalidFieldValue(messageType: type, tag: CtlRequest.Tag.restartTimeoutMilliseconds, reason: "must be positive")
        }
        guard targetVersion != nil || binaryPath != nil else {
            throw .invalidFieldValue(messageType: type, tag: CtlRequest.Tag.targetVersion, reason: "an upgrade needs a target version or a binary path")
        }
    }
}

extension CtlRequest {
    static func optionalBinaryPath(_ reader: PeerFieldReader) throws(PeerProtocolError) -> String? {
        let path = try reader.optionalString(Tag.binaryPath, bytesMax: RestartNode.binaryPathBytesMax)
        guard path?.isEmpty != true else {
            throw .invalidFieldValue(messageType: messageType, tag: Tag.binaryPath, reason: "empty path")
        }
        return path
    }
}

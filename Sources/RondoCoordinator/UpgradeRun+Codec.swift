import RondoCore
import RondoPeer

/// The upgrade run's own versioned encoding, carried in `UpgradeStateSlot` (section 8 of the
/// state file). Little-endian; every length and count is bounded before anything is allocated.
extension UpgradeRun {
    public static let formatVersion: UInt16 = 1
    static let nodesMax = 4096
    static let pathBytesMax = RestartNode.binaryPathBytesMax
    static let reasonBytesMax = 1024

    public var slot: UpgradeStateSlot {
        var writer = StateWriter()
        writeRequest(into: &writer)
        writer.write(direction.rawValue)
        Self.writeOptionalString(rollbackBinaryPath, into: &writer)
        writer.write(UInt32(originalVersions.count))
        for (node, version) in originalVersions.sorted(by: { $0.key < $1.key }) {
            writer.writeString(node.rawValue)
            Self.writeVersion(version, into: &writer)
        }
        writer.write(UInt32(batches.count))
        for batch in batches { Self.writeNodes(batch, into: &writer) }
        writer.write(UInt32(batchIndex))
        writer.write(step.rawValue)
        writer.write(stepStartedAtMilliseconds)
        writer.write(stepDeadlineMilliseconds)
        Self.writeNodes(returned.sorted(), into: &writer)
        Self.writeNodes(reconnected.sorted(), into: &writer)
        Self.writeOptionalString(pausedReason, into: &writer)
        switch stopRequest {
        case nil: writer.write(UInt8(0))
        case .abort: writer.write(UInt8(1))
        case .rollback(let path):
            writer.write(UInt8(2))
            Self.writeOptionalString(path, into: &writer)
        }
        writer.write(outcome.rawValue)
        writer.write(startedAtMilliseconds)
        writer.writeBool(finishedAtMilliseconds != nil)
        writer.write(finishedAtMilliseconds ?? 0)
        writer.write(UInt32(nodesDone))
        writer.write(baselineTransfers)
        writer.write(baselineBytes)
        return UpgradeStateSlot(formatVersion: Self.formatVersion, bytes: writer.bytes)
    }

    public init(decoding slot: UpgradeStateSlot) throws(UpgradeStateDecodeError) {
        guard slot.formatVersion == Self.formatVersion else { throw .unsupportedFormat(slot.formatVersion) }
        do throws(CoordinatorStateDecodeError) {
            var reader = StateReader(slot.bytes)
            try self.init(reading: &reader)
            guard reader.remaining == 0 else { throw .trailingBytes(section: 8, count: reader.remaining) }
        } catch {
            throw .malformed(error)
        }
    }

    private init(reading reader: inout StateReader) throws(CoordinatorStateDecodeError) {
        request = try Self.readRequest(&reader)
        direction = try Self.readEnum(&reader, Direction.self, field: "upgrade direction")
        rollbackBinaryPath = try Self.readOptionalString(&reader, bytesMax: Self.pathBytesMax, field: "rollback binary path")
        let versionCount = try reader.readCount(max: Self.nodesMax, itemBytesMin: 16, field: "original versions")
        originalVersions = [:]
        for _ in 0..<versionCount {
            let node = try Self.readNode(&reader)
            originalVersions[node] = try Self.readVersion(&reader)
        }
        let batchCount = try reader.readCount(max: Self.nodesMax, itemBytesMin: 4, field: "upgrade batches")
        batches = []
        for _ in 0..<batchCount { batches.append(try Self.readNodes(&reader)) }
        batchIndex = Int(try reader.read(UInt32.self))
        guard batchIndex <= batches.count else { throw .fieldOutOfRange(field: "upgrade batch index", value: batchIndex) }
        step = try Self.readEnum(&reader, UpgradeStep.self, field: "upgrade step")
        stepStartedAtMilliseconds = try reader.read(Int64.self)
        stepDeadlineMilliseconds = try reader.read(Int64.self)
        returned = Set(try Self.readNodes(&reader))
        reconnected = Set(try Self.readNodes(&reader))
        pausedReason = try Self.readOptionalString(&reader, bytesMax: Self.reasonBytesMax, field: "pause reason")
        switch try reader.read(UInt8.self) {
        case 0: stopRequest = nil
        case 1: stopRequest = .abort
        case 2: stopRequest = .rollback(binaryPath: try Self.readOptionalString(&reader, bytesMax: Self.pathBytesMax, field: "rollback binary path"))
        case let other: throw .fieldOutOfRange(field: "upgrade stop request", value: Int(other))
        }
        outcome = try Self.readEnum(&reader, Outcome.self, field: "upgrade outcome")
        startedAtMilliseconds = try reader.read(Int64.self)
        let finished = try reader.readBool(field: "upgrade finished flag")
        let finishedAt = try reader.read(Int64.self)
        finishedAtMilliseconds = finished ? finishedAt : nil
        nodesDone = Int(try reader.read(UInt32.self))
        guard nodesDone <= batches.reduce(0, { $0 + $1.count }) else { throw .fieldOutOfRange(field: "upgraded node count", value: nodesDone) }
        baselineTransfers = try reader.read(UInt64.self)
        baselineBytes = try reader.read(UInt64.self)
    }

    // MARK: request

    private func writeRequest(into writer: inout StateWriter) {
        writer.writeBool(request.targetVersion != nil)
        if let version = request.targetVersion { Self.writeVersion(version, into: &writer) }
        Self.writeOptionalString(request.binaryPath, into: &writer)
        switch request.strategy {
        case .atomic: writer.write(UInt32(0))
        case .group(let size): writer.write(UInt32(size))
        }
        writer.write(request.restartMode.rawValue)
        writer.writeBool(request.autoFinalize)
        let limits = request.limits
        writer.write(limits.preflightMilliseconds)
        writer.write(limits.migrationMilliseconds)
        writer.write(limits.restartMilliseconds)
        writer.write(limits.healthGateMilliseconds)
        writer.write(limits.clientErrorsPerMillionMax)
    }

    private static func readRequest(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> UpgradeRequest {
        let version = try reader.readBool(field: "target version flag") ? try readVersion(&reader) : nil
        let path = try readOptionalString(&reader, bytesMax: pathBytesMax, field: "binary path")
        let size = Int(try reader.read(UInt32.self))
        guard size <= nodesMax else { throw .fieldOutOfRange(field: "upgrade batch size", value: size) }
        let mode = try readEnum(&reader, RestartMode.self, field: "restart mode")
        let autoFinalize = try reader.readBool(field: "auto-finalize")
        let limits = UpgradeLimits(
            preflightMilliseconds: try reader.read(Int64.self), migrationMilliseconds: try reader.read(Int64.self),
            restartMilliseconds: try reader.read(Int64.self), healthGateMilliseconds: try reader.read(Int64.self),
            clientErrorsPerMillionMax: try reader.read(UInt32.self))
        guard limits.isValid else { throw .fieldOutOfRange(field: "upgrade step time", value: 0) }
        return UpgradeRequest(
            targetVersion: version, binaryPath: path, strategy: size == 0 ? .atomic : .group(batchSize: size),
            restartMode: mode, autoFinalize: autoFinalize, limits: limits)
    }

    // MARK: fields

    private static func writeVersion(_ version: SemanticVersion, into writer: inout StateWriter) {
        writer.write(UInt32(clamping: version.major))
        writer.write(UInt32(clamping: version.minor))
        writer.write(UInt32(clamping: version.patch))
    }

    private static func readVersion(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> SemanticVersion {
        SemanticVersion(
            major: Int(try reader.read(UInt32.self)), minor: Int(try reader.read(UInt32.self)),
            patch: Int(try reader.read(UInt32.self)))
    }

    private static func writeOptionalString(_ text: String?, into writer: inout StateWriter) {
        writer.writeBool(text != nil)
        if let text { writer.writeString(text) }
    }

    private static func readOptionalString(
        _ reader: inout StateReader, bytesMax: Int, field: String
    ) throws(CoordinatorStateDecodeError) -> String? {
        try reader.readBool(field: field) ? try reader.readString(bytesMax: bytesMax, field: field) : nil
    }

    static func writeNodes(_ nodes: [NodeID], into writer: inout StateWriter) {
        writer.write(UInt32(nodes.count))
        for node in nodes { writer.writeString(node.rawValue) }
    }

    static func readNodes(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> [NodeID] {
        let count = try reader.readCount(max: nodesMax, itemBytesMin: 5, field: "upgrade nodes")
        var nodes: [NodeID] = []
        for _ in 0..<count { nodes.append(try readNode(&reader)) }
        return nodes
    }

    static func readNode(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> NodeID {
        let raw = try reader.readString(bytesMax: 64, field: "node id")
        guard let node = NodeID(raw) else { throw .fieldOutOfRange(field: "node id", value: raw.utf8.count) }
        return node
    }

    static func readEnum<Value: RawRepresentable>(
        _ reader: inout StateReader, _: Value.Type, field: String
    ) throws(CoordinatorStateDecodeError) -> Value where Value.RawValue == UInt8 {
        let raw = try reader.read(UInt8.self)
        guard let value = Value(rawValue: raw) else { throw .fieldOutOfRange(field: field, value: Int(raw)) }
        return value
    }
}

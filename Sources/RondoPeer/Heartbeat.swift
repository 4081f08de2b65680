import NIOCore
import RondoCore

/// Liveness on an established connection. The receiver does not answer it; each side sends its
/// own. Not must-understand: losing one is what heartbeats are for.
///
/// A node's heartbeat to the coordinator also reports, per vnode it holds, the highest contiguous
/// write sequence it applied (the coordinator promotes the most current replica from these),
/// and optionally its load: bytes per vnode, memory limit and use, client error rate (the
/// rolling upgrade's planner and health gate read these). Absent fields mean "not reported".
public struct Heartbeat: PeerMessage {
    public static let messageType = PeerMessageType.heartbeat
    /// Bytes of one per-vnode record: u32 vnode, u64 value.
    public static let appliedSequenceRecordBytes = 12

    public enum Tag {
        public static let sequence: UInt16 = 1
        /// Optional bytes: records of (u32 vnode, u64 sequence), back to back, vnodes ascending
        /// and unique. One field rather than a list, because a node holds more vnodes than a
        /// frame may have fields.
        public static let appliedSequences: UInt16 = 2
        /// Optional bytes: records of (u32 vnode, u64 bytes held), as `appliedSequences`.
        public static let vnodeBytes: UInt16 = 3
        /// Optional u64 each: the node's memory limit and the bytes it uses; both or neither.
        public static let memoryLimitBytes: UInt16 = 4
        public static let memoryUsedBytes: UInt16 = 5
        /// Optional u32: client requests that failed per million over the last window.
        public static let clientErrorsPerMillion: UInt16 = 6
    }

    /// Increases by one per heartbeat on a connection, so gaps show lost or delayed ones.
    public var sequence: UInt64
    /// vnode → highest contiguous applied write sequence; empty for peers that report none.
    public var appliedSequences: [Int: UInt64]
    /// vnode → bytes the node holds for it; nil when not reported.
    public var vnodeBytes: [Int: UInt64]?
    public var memoryLimitBytes: UInt64?
    public var memoryUsedBytes: UInt64?
    public var clientErrorsPerMillion: UInt32?

    public init(
        sequence: UInt64, appliedSequences: [Int: UInt64] = [:], vnodeBytes: [Int: UInt64]? = nil,
        memoryLimitBytes: UInt64? = nil, memoryUsedBytes: UInt64? = nil, clientErrorsPerMillion: UInt32? = nil
    ) {
        self.sequence = sequence
        self.appliedSequences = appliedSequences
        self.vnodeBytes = vnodeBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryUsedBytes = memoryUsedBytes
        self.clientErrorsPerMillion = clientErrorsPerMillion
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.sequence, sequence)
        if !appliedSequences.isEmpty { writer.bytes(Tag.appliedSequences, Self.records(appliedSequences)) }
        if let vnodeBytes { writer.bytes(Tag.vnodeBytes, Self.records(vnodeBytes)) }
        if let memoryLimitBytes, let memoryUsedBytes {
            writer.integer(Tag.memoryLimitBytes, memoryLimitBytes)
            writer.integer(Tag.memoryUsedBytes, memoryUsedBytes)
        }
        if let clientErrorsPerMillion { writer.integer(Tag.clientErrorsPerMillion, clientErrorsPerMillion) }
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        sequence = try reader.integer(Tag.sequence)
        appliedSequences = try Self.decodeRecords(reader.optionalBytes(Tag.appliedSequences), tag: Tag.appliedSequences) ?? [:]
        vnodeBytes = try Self.decodeRecords(reader.optionalBytes(Tag.vnodeBytes), tag: Tag.vnodeBytes)
        memoryLimitBytes = try reader.optionalInteger(Tag.memoryLimitBytes)
        memoryUsedBytes = try reader.optionalInteger(Tag.memoryUsedBytes)
        guard (memoryLimitBytes == nil) == (memoryUsedBytes == nil) else {
            throw .invalidFieldValue(messageType: Self.messageType, tag: Tag.memoryUsedBytes, reason: "memory limit and use come together")
        }
        clientErrorsPerMillion = try reader.optionalInteger(Tag.clientErrorsPerMillion)
    }

    private static func records(_ values: [Int: UInt64]) -> ByteBuffer {
        var records = ByteBuffer()
        records.reserveCapacity(values.count * appliedSequenceRecordBytes)
        for (vnode, value) in values.sorted(by: { $0.key < $1.key }) {
            records.writeInteger(UInt32(truncatingIfNeeded: vnode))
            records.writeInteger(value)
        }
        return records
    }

    private static func decodeRecords(_ bytes: ByteBuffer?, tag: UInt16) throws(PeerProtocolError) -> [Int: UInt64]? {
        guard var records = bytes else { return nil }
        guard records.readableBytes % appliedSequenceRecordBytes == 0 else {
            throw .invalidFieldValue(
                messageType: messageType, tag: tag,
                reason: "\(records.readableBytes) bytes is not a whole number of 12-byte records")
        }
        var values: [Int: UInt64] = [:]
        while let vnode = records.readInteger(as: UInt32.self), let value = records.readInteger(as: UInt64.self) {
            guard Int(vnode) < VnodeCount.maximum, values.updateValue(value, forKey: Int(vnode)) == nil else {
                throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "vnode \(vnode) is out of range or repeated")
            }
        }
        return values
    }
}

import NIOCore
import RondoCore

/// Liveness on an established connection. The receiver does not answer it; each side sends its
/// own. Not must-understand: losing one is what heartbeats are for.
///
/// A node's heartbeat to the coordinator also reports, per vnode it holds, the highest contiguous
/// write sequence it applied (the coordinator promotes the most current replica from these).
public struct Heartbeat: PeerMessage {
    public static let messageType = PeerMessageType.heartbeat
    /// Bytes of one applied-sequence record: u32 vnode, u64 sequence.
    public static let appliedSequenceRecordBytes = 12

    public enum Tag {
        public static let sequence: UInt16 = 1
        /// Optional bytes: records of (u32 vnode, u64 sequence), back to back, vnodes ascending
        /// and unique. One field rather than a list, because a node holds more vnodes than a
        /// frame may have fields.
        public static let appliedSequences: UInt16 = 2
    }

    /// Increases by one per heartbeat on a connection, so gaps show lost or delayed ones.
    public var sequence: UInt64
    /// vnode → highest contiguous applied write sequence; empty for peers that report none.
    public var appliedSequences: [Int: UInt64]

    public init(sequence: UInt64, appliedSequences: [Int: UInt64] = [:]) {
        self.sequence = sequence
        self.appliedSequences = appliedSequences
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.sequence, sequence)
        guard !appliedSequences.isEmpty else { return }
        var records = ByteBuffer()
        records.reserveCapacity(appliedSequences.count * Self.appliedSequenceRecordBytes)
        for (vnode, applied) in appliedSequences.sorted(by: { $0.key < $1.key }) {
            records.writeInteger(UInt32(truncatingIfNeeded: vnode))
            records.writeInteger(applied)
        }
        writer.bytes(Tag.appliedSequences, records)
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        sequence = try reader.integer(Tag.sequence)
        appliedSequences = [:]
        guard var records = try reader.optionalBytes(Tag.appliedSequences) else { return }
        guard records.readableBytes % Self.appliedSequenceRecordBytes == 0 else {
            throw .invalidFieldValue(
                messageType: Self.messageType, tag: Tag.appliedSequences,
                reason: "\(records.readableBytes) bytes is not a whole number of 12-byte records")
        }
        while let vnode = records.readInteger(as: UInt32.self), let applied = records.readInteger(as: UInt64.self) {
            guard Int(vnode) < VnodeCount.maximum, appliedSequences.updateValue(applied, forKey: Int(vnode)) == nil else {
                throw .invalidFieldValue(
                    messageType: Self.messageType, tag: Tag.appliedSequences,
                    reason: "vnode \(vnode) is out of range or repeated")
            }
        }
    }
}

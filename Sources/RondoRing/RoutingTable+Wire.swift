import RondoCore

/// The routing table on the wire (version 1), little-endian; see docs/ring.md for the layout.
/// Members are referred to by their index in the sorted member list (UInt16), which keeps the
/// assignment at two bytes per replica.
extension RoutingTable {
    static let wireMagic: [UInt8] = Array("RNGT".utf8)
    public static let wireVersion: UInt8 = 1
    private static let zonePresent: UInt8 = 1
    private static let hostPresent: UInt8 = 2

    public func encoded() -> [UInt8] {
        var writer = WireWriter()
        writer.write(bytes: RoutingTable.wireMagic)
        writer.write(RoutingTable.wireVersion)
        writer.write(epoch)
        writer.write(UInt32(vnodeCount.value))
        writer.write(UInt8(replicaCount))
        writer.write(UInt8(placedReplicaCount))
        writer.write(UInt16(members.count))
        var indexOf: [MemberID: UInt16] = [:]
        for (index, member) in members.enumerated() {
            indexOf[member.id] = UInt16(index)
            writer.write(member.id.value)
            writer.write(member.state.rawValue)
            let zone = member.descriptor.zone.map { Array($0.utf8) }
            let host = member.descriptor.host.map { Array($0.utf8) }
            writer.write((zone == nil ? 0 : RoutingTable.zonePresent) | (host == nil ? 0 : RoutingTable.hostPresent))
            for label in [zone, host].compactMap({ $0 }) {
                writer.write(UInt8(label.count))
                writer.write(bytes: label)
            }
        }
        for node in slots { writer.write(indexOf[node]!) }
        writer.write(UInt16(drainRecords.count))
        for record in drainRecords {
            writer.write(indexOf[record.node]!)
            writer.write(record.fingerprint)
            writer.write(UInt32(record.undo.count))
            for entry in record.undo {
                writer.write(entry.vnode)
                writer.write(entry.slot)
                writer.write(indexOf[entry.node]!)
            }
        }
        return writer.bytes
    }

    /// Decodes and validates a table: every count against `RingLimits` before anything is
    /// allocated, every index against its range, then every invariant of `validate()`.
    public init(decoding bytes: [UInt8]) throws(RingDecodeError) {
        var reader = WireReader(bytes)
        guard Array(try reader.readBytes(4)) == RoutingTable.wireMagic else { throw .badMagic }
        let version = try reader.read(UInt8.self)
        guard version == RoutingTable.wireVersion else { throw .unsupportedVersion(version) }
        let epoch = try reader.read(UInt64.self)
        let rawVnodeCount = try reader.read(UInt32.self)
        guard let vnodeCount = try? VnodeCount(Int(rawVnodeCount)) else { throw .vnodeCountInvalid(rawVnodeCount) }
        let replicaCount = Int(try reader.read(UInt8.self))
        guard (1...RingLimits.replicaCountMax).contains(replicaCount) else {
            throw .fieldOutOfRange(field: "replica count", value: replicaCount)
        }
        let width = Int(try reader.read(UInt8.self))
        guard (1...replicaCount).contains(width) else {
            throw .fieldOutOfRange(field: "placed replica count", value: width)
        }
        let members = try RoutingTable.decodeMembers(&reader)
        let slotCount = vnodeCount.value * width
        try reader.require(slotCount * 2)
        var slots: [MemberID] = []
        slots.reserveCapacity(slotCount)
        for _ in 0..<slotCount { slots.append(try RoutingTable.decodeMember(&reader, members).id) }
        let records = try RoutingTable.decodeDrainRecords(&reader, members, slotCount: slotCount)
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        self.init(
            epoch: epoch, vnodeCount: vnodeCount, replicaCount: replicaCount, members: members,
            placedReplicaCount: width, slots: slots, drainRecords: records)
        do { try validate() } catch { throw .invalidTable(error) }
    }

    private static func decodeMembers(_ reader: inout WireReader) throws(RingDecodeError) -> [RingMember] {
        let count = Int(try reader.read(UInt16.self))
        guard (1...RingLimits.membersMax).contains(count) else {
            throw .fieldOutOfRange(field: "member count", value: count)
        }
        var members: [RingMember] = []
        for _ in 0..<count {
            let id = MemberID(try reader.read(UInt32.self))
            let rawState = try reader.read(UInt8.self)
            guard let state = MemberState(rawValue: rawState) else { throw .unknownMemberState(rawState) }
            let flags = try reader.read(UInt8.self)
            guard flags & ~(zonePresent | hostPresent) == 0 else { throw .unknownLabelFlags(flags) }
            let zone = flags & zonePresent != 0 ? try decodeLabel(&reader) : nil
            let host = flags & hostPresent != 0 ? try decodeLabel(&reader) : nil
            members.append(RingMember(descriptor: NodeDescriptor(id: id, zone: zone, host: host), state: state))
        }
        return members
    }

    private static func decodeLabel(_ reader: inout WireReader) throws(RingDecodeError) -> String {
        let length = Int(try reader.read(UInt8.self))
        guard length <= RingLimits.labelBytesMax else { throw .fieldOutOfRange(field: "label length", value: length) }
        guard let label = String(validating: try reader.readBytes(length), as: UTF8.self) else {
            throw .labelNotUTF8
        }
        return label
    }

    private static func decodeMember(_ reader: inout WireReader, _ members: [RingMember]) throws(RingDecodeError) -> RingMember {
        let index = Int(try reader.read(UInt16.self))
        guard index < members.count else { throw .memberIndexOutOfRange(index) }
        return members[index]
    }

    private static func decodeDrainRecords(
        _ reader: inout WireReader, _ members: [RingMember], slotCount: Int
    ) throws(RingDecodeError) -> [DrainRecord] {
        let count = Int(try reader.read(UInt16.self))
        guard count <= members.count else { throw .fieldOutOfRange(field: "drain record count", value: count) }
        var records: [DrainRecord] = []
        for _ in 0..<count {
            let node = try decodeMember(&reader, members).id
            let fingerprint = try reader.read(UInt64.self)
            let entryCount = Int(try reader.read(UInt32.self))
            guard entryCount <= slotCount else { throw .fieldOutOfRange(field: "undo entry count", value: entryCount) }
            try reader.require(entryCount * 7)
            var undo: [SlotRestore] = []
            undo.reserveCapacity(entryCount)
            for _ in 0..<entryCount {
                let vnode = try reader.read(UInt32.self)
                let slot = try reader.read(UInt8.self)
                let holder = try decodeMember(&reader, members).id
                undo.append(SlotRestore(vnode: vnode, slot: slot, node: holder))
            }
            records.append(DrainRecord(node: node, fingerprint: fingerprint, undo: undo))
        }
        return records
    }
}

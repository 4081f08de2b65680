import RondoCore
import RondoPeer
import RondoRing

/// The persisted form (version 1, little-endian): magic "RCST", a version byte, then sections
/// `{ tag UInt16, length UInt32, payload }` in any order. Tags with bit 15 set are optional: a
/// reader that does not know one skips it; an unknown tag without it is refused. New fields go
/// into new sections, so older files stay readable and the version byte changes only when an
/// existing section's meaning does. See docs/coordinator.md for the section layouts.
extension CoordinatorState {
    static let magic: [UInt8] = Array("RCST".utf8)
    public static let formatVersion: UInt8 = 1
    /// Far above any real state (1024 members, 2^20 vnodes), low enough to refuse garbage.
    public static let encodedBytesMax = 1 << 30

    enum Section {
        static let header: UInt16 = 1
        static let members: UInt16 = 2
        static let table: UInt16 = 3
        static let target: UInt16 = 4
        static let holders: UInt16 = 5
        static let copies: UInt16 = 6
        static let drops: UInt16 = 7
        static let upgrade: UInt16 = 8
        /// Optional: added in 0.2.5, skipped by older coordinators.
        static let upgradeHistory: UInt16 = 0x8009
        static let optionalBit: UInt16 = 0x8000
    }

    public func encoded() -> [UInt8] {
        var writer = StateWriter()
        writer.write(bytes: CoordinatorState.magic)
        writer.write(CoordinatorState.formatVersion)
        func section(_ tag: UInt16, _ body: (inout StateWriter) -> Void) {
            var inner = StateWriter()
            body(&inner)
            writer.write(tag)
            writer.writeBlob(inner.bytes)
        }
        section(Section.header) { encodeHeader(into: &$0) }
        section(Section.members) { encodeMembers(into: &$0) }
        if let table { section(Section.table) { $0.write(bytes: table.encoded()) } }
        if let target { section(Section.target) { $0.write(bytes: target.encoded()) } }
        section(Section.holders) { encodeHolders(into: &$0) }
        section(Section.copies) { encodeCopies(into: &$0) }
        section(Section.drops) { encodeDrops(into: &$0) }
        if let upgrade { section(Section.upgrade) { CoordinatorState.encodeSlot(upgrade, into: &$0) } }
        if let upgradeHistory { section(Section.upgradeHistory) { CoordinatorState.encodeSlot(upgradeHistory, into: &$0) } }
        return writer.bytes
    }

    public init(decoding bytes: [UInt8]) throws(CoordinatorStateDecodeError) {
        guard bytes.count <= CoordinatorState.encodedBytesMax else { throw .tooLarge(bytes.count) }
        var reader = StateReader(bytes)
        guard try reader.readBytes(4) == CoordinatorState.magic else { throw .badMagic }
        let version = try reader.read(UInt8.self)
        guard version == CoordinatorState.formatVersion else { throw .unsupportedVersion(version) }
        var sections: [UInt16: [UInt8]] = [:]
        while reader.remaining > 0 {
            let tag = try reader.read(UInt16.self)
            let payload = try reader.readBlob(bytesMax: CoordinatorState.encodedBytesMax, field: "section length")
            guard sections[tag] == nil else { throw .duplicateSection(tag) }
            sections[tag] = payload
        }
        func required(_ tag: UInt16) throws(CoordinatorStateDecodeError) -> StateReader {
            guard let payload = sections[tag] else { throw .missingSection(tag) }
            return StateReader(payload)
        }
        let known: Set<UInt16> = [
            Section.header, Section.members, Section.table, Section.target, Section.holders,
            Section.copies, Section.drops, Section.upgrade, Section.upgradeHistory,
        ]
        for tag in sections.keys where !known.contains(tag) && tag & Section.optionalBit == 0 {
            throw .unknownRequiredSection(tag)
        }
        var header = try required(Section.header)
        self = try CoordinatorState.decodeHeader(&header)
        try CoordinatorState.finish(&header, Section.header)
        var members = try required(Section.members)
        try decodeMembers(&members)
        try CoordinatorState.finish(&members, Section.members)
        table = try sections[Section.table].map(CoordinatorState.decodeTable)
        target = try sections[Section.target].map(CoordinatorState.decodeTable)
        var holders = try required(Section.holders)
        try decodeHolders(&holders)
        try CoordinatorState.finish(&holders, Section.holders)
        var copies = try required(Section.copies)
        try decodeCopies(&copies)
        try CoordinatorState.finish(&copies, Section.copies)
        var drops = try required(Section.drops)
        try decodeDrops(&drops)
        try CoordinatorState.finish(&drops, Section.drops)
        upgrade = try sections[Section.upgrade].map { payload throws(CoordinatorStateDecodeError) in
            try CoordinatorState.decodeSlot(payload, Section.upgrade, field: "upgrade state")
        }
        upgradeHistory = try sections[Section.upgradeHistory].map { payload throws(CoordinatorStateDecodeError) in
            try CoordinatorState.decodeSlot(payload, Section.upgradeHistory, field: "upgrade history")
        }
        do { try checkInvariants() } catch { throw .inconsistent(error) }
    }

    private static func encodeSlot(_ slot: UpgradeStateSlot, into writer: inout StateWriter) {
        writer.write(slot.formatVersion)
        writer.writeBlob(slot.bytes)
    }

    private static func decodeSlot(_ payload: [UInt8], _ tag: UInt16, field: String) throws(CoordinatorStateDecodeError) -> UpgradeStateSlot {
        var reader = StateReader(payload)
        let format = try reader.read(UInt16.self)
        let blob = try reader.readBlob(bytesMax: UpgradeStateSlot.bytesMax, field: field)
        try finish(&reader, tag)
        return UpgradeStateSlot(formatVersion: format, bytes: blob)
    }

    private static func finish(_ reader: inout StateReader, _ tag: UInt16) throws(CoordinatorStateDecodeError) {
        guard reader.remaining == 0 else { throw .trailingBytes(section: tag, count: reader.remaining) }
    }

    private static func decodeTable(_ bytes: [UInt8]) throws(CoordinatorStateDecodeError) -> RoutingTable {
        do { return try RoutingTable(decoding: bytes) } catch { throw .table(error) }
    }

    // MARK: header

    private func encodeHeader(into writer: inout StateWriter) {
        writer.writeString(clusterName)
        writer.write(UInt32(vnodeCount.value))
        writer.write(UInt8(replicaCount))
        writer.write(nextMemberID)
        writer.writeBool(finalizedVersion != nil)
        if let finalizedVersion { writeVersionFields(finalizedVersion, into: &writer) }
        writer.write(UInt16(transferLimits.concurrencyPerNode))
        writer.write(transferLimits.bytesPerSecond)
        writer.write(UInt16(transferLimits.inFlightMax))
        writer.write(counters.transfersCompleted)
        writer.write(counters.transfersFailed)
        writer.write(counters.bytesTransferred)
        writer.write(counters.dropsIssued)
    }

    private static func decodeHeader(_ reader: inout StateReader) throws(CoordinatorStateDecodeError) -> CoordinatorState {
        let name = try reader.readString(bytesMax: PeerProtocolLimits.clusterNameBytesMax, field: "cluster name")
        let rawVnodes = try reader.read(UInt32.self)
        guard let vnodeCount = try? VnodeCount(Int(rawVnodes)) else {
            throw .fieldOutOfRange(field: "vnode count", value: Int(rawVnodes))
        }
        let replicaCount = Int(try reader.read(UInt8.self))
        guard (1...RingLimits.replicaCountMax).contains(replicaCount) else {
            throw .fieldOutOfRange(field: "replica count", value: replicaCount)
        }
        let nextMemberID = try reader.read(UInt32.self)
        let finalized = try reader.readBool(field: "finalized flag") ? try readVersionFields(&reader) : nil
        let limits = TransferLimits(
            concurrencyPerNode: Int(try reader.read(UInt16.self)), bytesPerSecond: try reader.read(UInt64.self),
            inFlightMax: Int(try reader.read(UInt16.self)))
        guard limits.isValid else { throw .fieldOutOfRange(field: "transfer limits", value: limits.concurrencyPerNode) }
        var state = CoordinatorState(
            clusterName: name, vnodeCount: vnodeCount, replicaCount: replicaCount, transferLimits: limits,
            finalizedVersion: finalized)
        state.nextMemberID = nextMemberID
        state.counters.transfersCompleted = try reader.read(UInt64.self)
        state.counters.transfersFailed = try reader.read(UInt64.self)
        state.counters.bytesTransferred = try reader.read(UInt64.self)
        state.counters.dropsIssued = try reader.read(UInt64.self)
        return state
    }
}

import NIOCore

/// A routing table from the coordinator. The table's encoding belongs to the ring module; this
/// envelope carries its epoch so a receiver can drop stale tables without decoding them, and the
/// directory that names the table's members and their addresses.
public struct RoutingTableUpdate: PeerMessage {
    public static let messageType = PeerMessageType.routingTableUpdate
    public static let frameFlags: PeerFrameFlags = .mustUnderstand
    /// No table has more members than this (`RingLimits.membersMax`).
    public static let directoryEntriesMax = 1024

    public enum Tag {
        public static let epoch: UInt16 = 1
        public static let table: UInt16 = 2
        /// Optional bytes: nested fields, each tag `directoryEntry` whose value is itself nested
        /// fields (`PeerDirectoryEntry.Tag`). Nested because a directory may list more members
        /// than a frame may have fields.
        public static let directory: UInt16 = 3
        /// The tag of one entry inside `directory`.
        public static let directoryEntry: UInt16 = 1
    }

    public var epoch: UInt64
    public var table: ByteBuffer
    public var directory: [PeerDirectoryEntry]

    public init(epoch: UInt64, table: ByteBuffer, directory: [PeerDirectoryEntry] = []) {
        self.epoch = epoch
        self.table = table
        self.directory = directory
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.epoch, epoch)
        writer.bytes(Tag.table, table)
        guard !directory.isEmpty else { return }
        let entries = directory.map { entry in
            var entryWriter = PeerFieldWriter()
            entry.writeFields(into: &entryWriter)
            return PeerField(tag: Tag.directoryEntry, value: PeerNestedFields.encode(entryWriter.fields))
        }
        writer.bytes(Tag.directory, PeerNestedFields.encode(entries))
    }

    public init(decoding frame: PeerFrame, limits: PeerProtocolLimits) throws(PeerProtocolError) {
        let reader = try PeerFieldReader(frame, expecting: Self.messageType)
        epoch = try reader.integer(Tag.epoch)
        table = try reader.bytes(Tag.table)
        directory = []
        guard let value = try reader.optionalBytes(Tag.directory) else { return }
        let entries = try PeerNestedFields.parse(
            value, messageType: Self.messageType, tag: Tag.directory, entriesMax: Self.directoryEntriesMax)
        for entry in entries where entry.tag == Tag.directoryEntry {
            let nested = try PeerNestedFields.parse(
                entry.value, messageType: Self.messageType, tag: Tag.directory, entriesMax: 64)
            directory.append(try PeerDirectoryEntry(reading: PeerNestedFields.reader(nested, messageType: Self.messageType)))
        }
    }
}

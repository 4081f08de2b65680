import NIOCore
import RondoCore

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
        /// Repeated string, one per feature (since 0.2.0): the cluster's active features, those
        /// every live member offers. 0.1.0 receivers skip the unknown tag.
        public static let activeFeature: UInt16 = 4
        /// Optional version (since 0.2.0): the version the cluster is finalized at.
        public static let finalizedVersion: UInt16 = 5
    }

    public var epoch: UInt64
    public var table: ByteBuffer
    public var directory: [PeerDirectoryEntry]
    /// Empty from a 0.1.0 coordinator, which does not send them: every gated feature is off.
    public var activeFeatures: Set<FeatureName>
    public var finalizedVersion: SemanticVersion?

    public init(
        epoch: UInt64, table: ByteBuffer, directory: [PeerDirectoryEntry] = [],
        activeFeatures: Set<FeatureName> = [], finalizedVersion: SemanticVersion? = nil
    ) {
        self.epoch = epoch
        self.table = table
        self.directory = directory
        self.activeFeatures = activeFeatures
        self.finalizedVersion = finalizedVersion
    }

    public func writeFields(into writer: inout PeerFieldWriter) {
        writer.integer(Tag.epoch, epoch)
        writer.bytes(Tag.table, table)
        if !activeFeatures.isEmpty { writer.features(Tag.activeFeature, activeFeatures) }
        if let finalizedVersion { writer.softwareVersion(Tag.finalizedVersion, finalizedVersion) }
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
        activeFeatures = try reader.features(Tag.activeFeature)
        finalizedVersion = try reader.optionalSoftwareVersion(Tag.finalizedVersion)
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

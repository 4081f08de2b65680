/// Room in `CoordinatorState` for the rolling-upgrade state, which the upgrade work defines. It is
/// carried as its own versioned bytes in its own section of the persisted file, so adding or
/// changing the upgrade state never changes the coordinator's format: a coordinator that does not
/// know `formatVersion` keeps the bytes untouched.
public struct UpgradeStateSlot: Sendable, Hashable {
    public static let bytesMax = 1 << 20

    public var formatVersion: UInt16
    public var bytes: [UInt8]

    public init(formatVersion: UInt16, bytes: [UInt8]) {
        precondition(bytes.count <= Self.bytesMax, "upgrade state larger than \(Self.bytesMax) bytes")
        self.formatVersion = formatVersion
        self.bytes = bytes
    }
}

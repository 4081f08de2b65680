import RondoCore
/// A named capability a build offers to its peers, such as `replication.v1`. Features are what
/// lets behaviour change during a rolling upgrade: a sender uses a feature only when the
/// connection (or the cluster's active version) includes it, so old and new builds coexist.
///
/// Names are short ASCII tokens (`ASCIIToken`); a new release adds a new name and never changes
/// what an existing name means.
public struct FeatureName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let bytesMax = 48

    public let rawValue: String

    /// Returns nil unless `rawValue` is 1...`bytesMax` bytes of letters, digits, `.`, `-`, `_`.
    public init?(_ rawValue: String) {
        guard ASCIIToken.isValid(rawValue, bytesMax: Self.bytesMax) else { return nil }
        self.rawValue = rawValue
    }

    private init(known rawValue: String) {
        precondition(ASCIIToken.isValid(rawValue, bytesMax: Self.bytesMax), "invalid built-in feature name")
        self.rawValue = rawValue
    }

    /// Synchronous replication of writes in `ReplicationBatch` / `ReplicationAck` frames, item
    /// bodies uncompressed.
    public static let replicationV1 = FeatureName(known: "replication.v1")
    /// Vnode transfers in `TransferBatch` frames with LZ4-compressed item bodies.
    public static let transferLZ4 = FeatureName(known: "transfer.lz4")
    /// Replication batches whose item body is LZ4-compressed (tag `itemsLZ4`), offered from
    /// 0.2.0. 0.1.0 already decoded such batches (readers ship one release before writers) but
    /// did not offer the feature. Primaries send them only while `FeatureGate` says the feature is
    /// on: every member offers it and the cluster is finalized at 0.2 or later. See
    /// docs/peer-protocol.md §7.
    public static let replicationLZ4Batches = FeatureName(known: "replication.lz4-batches")

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

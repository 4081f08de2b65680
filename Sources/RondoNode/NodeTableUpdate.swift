import RondoCore
import RondoPeer

/// A routing table the coordinator pushes: its epoch, the table as `RoutingTable.encoded()`
/// bytes (decoded, and so validated, by the node that installs it), and the directory of its
/// members.
public struct NodeTableUpdate: Sendable, Hashable {
    public var epoch: UInt64
    public var encodedTable: [UInt8]
    public var directory: [NodeMember]
    /// The cluster's active features and finalized version as the coordinator sent them (empty
    /// and nil from a 0.1.0 coordinator): they open the feature gates (`FeatureGate`).
    public var activeFeatures: Set<FeatureName>
    public var finalizedVersion: SemanticVersion?

    public init(
        epoch: UInt64, encodedTable: [UInt8], directory: [NodeMember],
        activeFeatures: Set<FeatureName> = [], finalizedVersion: SemanticVersion? = nil
    ) {
        self.epoch = epoch
        self.encodedTable = encodedTable
        self.directory = directory
        self.activeFeatures = activeFeatures
        self.finalizedVersion = finalizedVersion
    }
}

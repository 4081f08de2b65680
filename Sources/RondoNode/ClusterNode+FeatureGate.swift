import RondoCluster
import RondoCore
import RondoPeer

/// The cluster's feature gates as this node sees them: the coordinator sends the active features
/// and the finalized version with every table, and the node switches behaviour that needs a
/// newer feature on or off from them.
extension ClusterNode {
    /// LZ4 replication batches once every member offers `replication.lz4-batches` and the
    /// cluster is finalized at a release that has it; plain batches otherwise.
    public var replicationBatchCompression: ItemsCompression {
        FeatureGate.isOn(.replicationLZ4Batches, activeFeatures: activeFeatures, finalizedVersion: finalizedVersion) ? .lz4 : .none
    }

    /// Takes the active version of a push at or above the installed epoch and reconfigures every
    /// primary when the batch form changes (batches already sent are not resent for it).
    func adoptActiveVersion(of update: NodeTableUpdate) {
        let before = replicationBatchCompression
        activeFeatures = update.activeFeatures
        if let pushed = update.finalizedVersion, finalizedVersion.map({ pushed > $0 }) ?? true {
            finalizedVersion = pushed
        }
        let after = replicationBatchCompression
        guard after != before else { return }
        for vnode in primaries.keys {
            primaries[vnode]?.setBatchCompression(after)
        }
    }
}

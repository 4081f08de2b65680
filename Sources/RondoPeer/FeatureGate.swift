import RondoCore

/// Whether a sender may use a cluster-wide feature now, from what the coordinator last said
/// (`RoutingTableUpdate.activeFeatures` and `finalizedVersion`).
///
/// A feature is on when every live member offers it (it is in the active features) and, for a
/// feature that changes what a sender puts on the wire, the cluster is finalized at or after the
/// release that introduced it. Waiting for finalize, not only for the last old member to go, keeps
/// rollback safe and simple: until the operator finalizes, a node may still go back to the old
/// release, and nothing it would receive depends on the new release. After finalize a node of the
/// old release is refused at its hello, so the feature cannot lose a member that needs it.
public enum FeatureGate {
    /// The release that introduced each feature gated by finalize.
    static let introducedIn: [FeatureName: SemanticVersion] = [
        .replicationLZ4Batches: SemanticVersion(major: 0, minor: 2, patch: 0)
    ]

    public static func isOn(_ feature: FeatureName, activeFeatures: Set<FeatureName>, finalizedVersion: SemanticVersion?) -> Bool {
        guard activeFeatures.contains(feature) else { return false }
        guard let introduced = introducedIn[feature] else { return true }
        guard let finalizedVersion else { return false }
        return !finalizedVersion.isOlderReleaseLine(than: introduced)
    }
}

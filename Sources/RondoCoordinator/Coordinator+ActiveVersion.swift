import RondoCore
import RondoPeer

/// What the coordinator tells every node about the cluster's active version with each table:
/// the features every live member offers and the finalized version. Nodes turn gated behaviour
/// on from these (`FeatureGate`).
struct ActiveVersionAnnouncement: Sendable, Hashable {
    var features: Set<FeatureName>
    var finalizedVersion: SemanticVersion?

    init(features: Set<FeatureName>, finalizedVersion: SemanticVersion?) {
        self.features = features
        self.finalizedVersion = finalizedVersion
    }

    init(state: CoordinatorState) {
        self.init(features: Coordinator.activeFeatures(of: state), finalizedVersion: state.finalizedVersion)
    }
}

extension Coordinator {
    /// The features every live member (a node with a member number, not down or left) offers:
    /// `ActiveVersion.compute`'s intersection. Empty when there is no such member or they share
    /// no protocol version, so that nothing gated is on in a state admission should rule out.
    public var activeFeatures: Set<FeatureName> { Self.activeFeatures(of: state) }

    static func activeFeatures(of state: CoordinatorState) -> Set<FeatureName> {
        let members = state.members.values.filter { $0.memberID != nil && $0.state.isLive }.map(\.build)
        switch ActiveVersion.compute(members: members, finalizedVersion: state.finalizedVersion) {
        case .success(let active): return active.features
        case .failure: return []
        }
    }

    /// After every event: when the active features or the finalized version changed (finalize,
    /// a member joined, left or went down), every connected node gets the table again with the
    /// new values, unless the event already pushed exactly that to everyone.
    mutating func announceActiveVersionIfChanged(_ out: inout [CoordinatorAction]) {
        let current = ActiveVersionAnnouncement(state: state)
        guard current != announcedActiveVersion else { return }
        announcedActiveVersion = current
        guard let push = tablePush() else { return }
        let alreadyPushed = out.contains { action in
            if case .pushTable(let pushed) = action { return pushed == push }
            return false
        }
        if !alreadyPushed {
            out.append(.log(.info, "active features [\(current.features.sorted().map(\.rawValue).joined(separator: ","))], finalized \(current.finalizedVersion.map { "\($0)" } ?? "never"): pushing the table again"))
            out.append(.pushTable(push))
        }
    }
}

import RondoCore
import RondoPeer
import XCTest

@testable import RondoCoordinator

/// The active version the coordinator sends with its tables: the features every live member
/// offers and the finalized version, pushed again whenever either changes, so that each node
/// switches gated behaviour (LZ4 replication batches) on only after finalize.
final class ActiveVersionTests: XCTestCase {
    private let old = BuildInfo.release_0_1_0.features
    private let new = BuildInfo.current.features

    private func lz4IsOn(_ push: TablePush?) -> Bool {
        guard let push else { return false }
        return FeatureGate.isOn(.replicationLZ4Batches, activeFeatures: push.activeFeatures, finalizedVersion: push.finalizedVersion)
    }

    private func assertEveryNodeGot(
        _ features: Set<FeatureName>, finalized: SemanticVersion?, _ cluster: CoordinatorHarness, _ nodes: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        for name in nodes {
            let push = cluster.lastPush[node(name)]
            XCTAssertEqual(push?.activeFeatures, features, "\(name)", file: file, line: line)
            XCTAssertEqual(push?.finalizedVersion, finalized, "\(name)", file: file, line: line)
            XCTAssertEqual(push?.epoch, cluster.state.epoch, "\(name) has the current table", file: file, line: line)
        }
    }

    func testMixedBuildsKeepTheNewFeatureOffAndFinalizeRaisesIt() {
        var cluster = CoordinatorHarness(vnodes: 16, replicas: 3)
        _ = cluster.connect("n1", version: "0.1.0")
        _ = cluster.connect("n2", version: "0.1.0")
        _ = cluster.connect("n3", version: "0.2.0")
        for name in ["n1", "n2", "n3"] { cluster.join(name) }
        cluster.settle()
        XCTAssertEqual(cluster.coordinator.activeFeatures, old, "a 0.1.0 member lacks replication.lz4-batches")
        assertEveryNodeGot(old, finalized: nil, cluster, ["n1", "n2", "n3"])
        XCTAssertFalse(lz4IsOn(cluster.lastPush[node("n3")]))
        XCTAssertEqual(cluster.ctl(.upgradeFinalize).isRefused, true, "members on two versions")

        // The old members come back on 0.2.0: every member offers the feature, the table goes out
        // again with it, but nothing is finalized, so rolling back is still allowed and the
        // feature stays off.
        let epoch = cluster.state.epoch
        _ = reconnect("n1", on: "0.2.0", &cluster)
        _ = reconnect("n2", on: "0.2.0", &cluster)
        XCTAssertEqual(cluster.coordinator.activeFeatures, new)
        XCTAssertEqual(cluster.state.epoch, epoch, "the same table, pushed again")
        assertEveryNodeGot(new, finalized: nil, cluster, ["n1", "n2", "n3"])
        XCTAssertFalse(lz4IsOn(cluster.lastPush[node("n1")]))
        XCTAssertNil(refusalCode(reconnect("n2", on: "0.1.0", &cluster)), "rollback before finalize is allowed")
        XCTAssertEqual(cluster.coordinator.activeFeatures, old, "and lowers the active features again")
        assertEveryNodeGot(old, finalized: nil, cluster, ["n1", "n2", "n3"])
        _ = reconnect("n2", on: "0.2.0", &cluster)

        let finalized = SemanticVersion(major: 0, minor: 2, patch: 0)
        XCTAssertEqual(cluster.ctl(.upgradeFinalize).isRefused, false)
        XCTAssertEqual(cluster.state.finalizedVersion, finalized)
        assertEveryNodeGot(new, finalized: finalized, cluster, ["n1", "n2", "n3"])
        XCTAssertTrue(lz4IsOn(cluster.lastPush[node("n1")]))

        // After finalize a 0.1.0 node is refused, new or returning, with the downgrade reason.
        XCTAssertEqual(refusalCode(cluster.connect("n4", version: "0.1.0")), .downgradeBelowFinalized)
        guard case .refuse(let refusal)? = reconnect("n1", on: "0.1.0", &cluster) else {
            return XCTFail("a rollback after finalize must be refused")
        }
        XCTAssertEqual(refusal.code, .downgradeBelowFinalized)
        XCTAssertTrue("\(refusal)".contains("0.2"), "\(refusal)")
        XCTAssertEqual(cluster.coordinator.activeFeatures, new, "the refused node changed nothing")
    }

    func testAJoiningMemberWithFewerFeaturesLowersThemAndItsLeaveRaisesThem() {
        var cluster = CoordinatorHarness(vnodes: 16, replicas: 2)
        for name in ["n1", "n2"] {
            _ = cluster.connect(name, version: "0.2.0")
            cluster.join(name)
        }
        cluster.settle()
        assertEveryNodeGot(new, finalized: nil, cluster, ["n1", "n2"])

        // A connected candidate is no member yet: it changes nothing until it joins.
        _ = cluster.connect("n3", version: "0.1.0")
        XCTAssertEqual(cluster.coordinator.activeFeatures, new)
        cluster.join("n3")
        XCTAssertEqual(cluster.coordinator.activeFeatures, old)
        cluster.settle()
        assertEveryNodeGot(old, finalized: nil, cluster, ["n1", "n2", "n3"])

        guard case .done = cluster.ctl(.release(node("n3"))) else { return XCTFail("release refused") }
        cluster.settle()
        XCTAssertEqual(cluster.coordinator.activeFeatures, old, "a released member is still a member")
        guard case .done = cluster.ctl(.leave(node("n3"))) else { return XCTFail("leave refused") }
        cluster.settle()
        XCTAssertEqual(cluster.record("n3").state, .left)
        XCTAssertEqual(cluster.coordinator.activeFeatures, new)
        assertEveryNodeGot(new, finalized: nil, cluster, ["n1", "n2"])
    }

    /// The node's process comes back on `version` (its connection closed first, so its id is free).
    private func reconnect(_ name: String, on version: String, _ cluster: inout CoordinatorHarness) -> HandshakeDecision? {
        cluster.apply(cluster.coordinator.nodeDisconnected(node(name), nowMilliseconds: cluster.nowMilliseconds))
        return cluster.connect(name, version: version)
    }

    private func refusalCode(_ decision: HandshakeDecision?) -> HandshakeRefusalCode? {
        guard case .refuse(let refusal) = decision else { return nil }
        return refusal.code
    }
}

extension CtlResponse {
    fileprivate var isRefused: Bool {
        if case .refused = self { return true }
        return false
    }
}

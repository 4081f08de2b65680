import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

final class HandshakeTests: XCTestCase {
    private func refusal(_ decision: HandshakeDecision?) -> HandshakeRefusalCode? {
        guard case .refuse(let refusal) = decision else { return nil }
        return refusal.code
    }

    func testRefusesWrongClusterDuplicateIDAndSkew() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.join("n1")
        XCTAssertEqual(refusal(cluster.connect("n2", cluster: "other")), .wrongCluster)
        XCTAssertNil(cluster.state.members[node("n2")])
        XCTAssertEqual(refusal(cluster.connect("n1")), .duplicateNodeID, "n1 is connected and heartbeating")
        XCTAssertEqual(refusal(cluster.connect("coord")), .duplicateNodeID, "the coordinator's own id")
        XCTAssertEqual(refusal(cluster.connect("n3", version: "0.3.0")), .versionOutsideSkew)
        XCTAssertEqual(refusal(cluster.connect("n3", version: "1.1.0")), .versionOutsideSkew)
        XCTAssertNil(refusal(cluster.connect("n3", version: "0.2.0")), "one minor ahead is an upgrade")
        // A member whose connection closed may come back under its id at once.
        cluster.apply(cluster.coordinator.nodeDisconnected(node("n1"), nowMilliseconds: cluster.nowMilliseconds))
        XCTAssertNil(refusal(cluster.connect("n1")))
        XCTAssertEqual(cluster.record("n1").state, .active)
        XCTAssertTrue(cluster.startEmpty.isEmpty)
    }

    func testRefusesDowngradeBelowFinalized() {
        var cluster = CoordinatorHarness(replicas: 2)
        cluster.coordinator.state.finalizedVersion = SemanticVersion(major: 0, minor: 1, patch: 0)
        XCTAssertEqual(refusal(cluster.connect("n1", version: "0.0.9")), .downgradeBelowFinalized)
        XCTAssertNil(refusal(cluster.connect("n1", version: "0.1.3")))
    }

    func testCtlSessionsAreAnsweredButNotRecorded() {
        var cluster = CoordinatorHarness(replicas: 2)
        let hello = Hello(clusterName: "test", nodeID: node("ops"), role: .ctl, build: build("0.1.0"))
        let addresses = MemberAddresses(client: NodeAddress(host: "x", port: 1), peer: NodeAddress(host: "x", port: 2))
        let actions = cluster.coordinator.nodeConnected(hello: hello, addresses: addresses, nowMilliseconds: 0)
        XCTAssertEqual(actions.count, 1)
        XCTAssertTrue(cluster.state.members.isEmpty)
    }
}

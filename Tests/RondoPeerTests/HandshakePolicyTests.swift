import RondoCore
import XCTest

@testable import RondoPeer

final class HandshakePolicyTests: XCTestCase {
    private typealias T = PeerTestSupport

    private func refusal(_ policy: HandshakePolicy, _ hello: Hello, file: StaticString = #filePath, line: UInt = #line) -> HandshakeRefusal? {
        guard case .refuse(let refusal) = policy.decide(hello) else {
            XCTFail("expected a refusal", file: file, line: line)
            return nil
        }
        return refusal
    }

    private func accepts(_ policy: HandshakePolicy, _ version: String) -> Bool {
        if case .accept = policy.decide(T.hello(build: T.build(version))) { return true }
        return false
    }

    func testAcceptsAMatchingPeer() {
        XCTAssertEqual(T.policy().decide(T.hello()), .accept(protocolVersion: 1, commonFeatures: [.replicationV1, .transferLZ4]))
    }

    func testWrongCluster() {
        let refusal = refusal(T.policy(), T.hello(cluster: "other"))
        XCTAssertEqual(refusal, .wrongCluster(expected: T.clusterName, got: "other"))
        XCTAssertEqual(refusal?.code, .wrongCluster)
        XCTAssertTrue(refusal?.description.contains("\"other\"") == true)
        XCTAssertTrue(refusal?.description.contains(T.clusterName) == true)
    }

    func testDuplicateNodeIDForNodesAndCoordinatorsButNotCtl() {
        let policy = T.policy(inUse: ["node-2"])
        XCTAssertEqual(refusal(policy, T.hello(node: "node-2")), .duplicateNodeID(T.nodeID("node-2")))
        XCTAssertEqual(refusal(policy, T.hello(node: "node-2", role: .coordinator)), .duplicateNodeID(T.nodeID("node-2")))
        XCTAssertEqual(refusal(policy, T.hello(node: "node-1")), .duplicateNodeID(T.nodeID("node-1")), "the acceptor's own id")
        guard case .accept = policy.decide(T.hello(node: "node-2", role: .ctl)) else { return XCTFail("ctl sessions may share ids") }
    }

    func testNoCommonProtocolVersion() {
        let policy = T.policy(local: T.build("0.1.0", protocols: 1...2))
        let hello = T.hello(build: T.build("0.1.0", protocols: 3...4))
        let refusal = refusal(policy, hello)
        XCTAssertEqual(refusal, .noCommonProtocolVersion(ours: 1...2, theirs: 3...4))
        XCTAssertEqual(refusal?.description, "no common protocol version: this node speaks 1...2, the peer speaks 3...4")
    }

    func testHighestCommonProtocolVersionIsChosen() {
        let policy = T.policy(local: T.build("0.2.0", protocols: 2...5))
        XCTAssertEqual(policy.decide(T.hello(build: T.build("0.2.0", protocols: 1...3))), .accept(protocolVersion: 3, commonFeatures: [.replicationV1, .transferLZ4]))
        XCTAssertEqual(policy.decide(T.hello(build: T.build("0.2.0", protocols: 4...9))), .accept(protocolVersion: 5, commonFeatures: [.replicationV1, .transferLZ4]))
        XCTAssertEqual(policy.decide(T.hello(build: T.build("0.2.0", protocols: 5...5))), .accept(protocolVersion: 5, commonFeatures: [.replicationV1, .transferLZ4]))
    }

    func testFeaturesAreIntersected() {
        let newer: Set<FeatureName> = [.replicationV1, .transferLZ4, .replicationLZ4Batches]
        let policy = T.policy(local: T.build("0.2.0", features: newer))
        let hello = T.hello(build: T.build("0.1.0", features: [.replicationV1, T.feature("something.else")]))
        XCTAssertEqual(policy.decide(hello), .accept(protocolVersion: 1, commonFeatures: [.replicationV1]))
    }

    func testSkewEdgesOneMinorAcceptedTwoRefused() {
        let policy = T.policy(local: T.build("0.2.0"))
        XCTAssertEqual(policy.acceptedVersions, AcceptedVersionWindow(major: 0, minors: 1...3))
        XCTAssertTrue(accepts(policy, "0.1.7"), "one minor behind")
        XCTAssertTrue(accepts(policy, "0.2.9"))
        XCTAssertTrue(accepts(policy, "0.3.0"), "one minor ahead")
        let behind = refusal(policy, T.hello(build: T.build("0.0.9")))
        XCTAssertEqual(behind, .versionOutsideSkew(peer: T.version("0.0.9"), accepted: AcceptedVersionWindow(major: 0, minors: 1...3)))
        XCTAssertEqual(behind?.description, "version 0.0.9 is outside the supported skew: the cluster accepts 0.1.x through 0.3.x")
        XCTAssertFalse(accepts(policy, "0.4.0"), "two minors ahead")
        XCTAssertFalse(accepts(policy, "1.2.0"), "another major")
    }

    func testSkewWindowNarrowsWhileMembersSpanTwoMinors() {
        let policy = T.policy(local: T.build("0.2.0"), members: ["0.1.0", "0.2.0"])
        XCTAssertEqual(policy.acceptedVersions, AcceptedVersionWindow(major: 0, minors: 1...2))
        XCTAssertFalse(accepts(policy, "0.0.0"), "two behind the newest member")
        XCTAssertFalse(accepts(policy, "0.3.0"), "two ahead of the oldest member")
        XCTAssertTrue(accepts(policy, "0.1.0"))
    }

    func testSkewParameterWidensTheWindow() {
        let policy = T.policy(local: T.build("0.3.0"), skew: 2)
        XCTAssertTrue(accepts(policy, "0.1.0"))
        XCTAssertFalse(accepts(policy, "0.0.0"))
    }

    func testRollbackAllowedBeforeFinalize() {
        let policy = T.policy(local: T.build("0.2.0"), members: ["0.2.0", "0.2.1"])
        XCTAssertTrue(accepts(policy, "0.1.0"))
    }

    func testDowngradeRefusedAfterFinalize() {
        let policy = T.policy(local: T.build("0.2.0"), members: ["0.2.0", "0.2.1"], finalized: "0.2.0")
        let refusal = refusal(policy, T.hello(build: T.build("0.1.0")))
        XCTAssertEqual(refusal, .downgradeBelowFinalized(peer: T.version("0.1.0"), finalized: T.version("0.2.0")))
        XCTAssertEqual(refusal?.code, .downgradeBelowFinalized)
        XCTAssertTrue(refusal?.description.contains("accepts 0.2.x or newer") == true)
        XCTAssertEqual(policy.acceptedVersions, AcceptedVersionWindow(major: 0, minors: 2...3))
        XCTAssertTrue(accepts(policy, "0.2.0"), "a patch below the finalized one is the same release line")
        XCTAssertTrue(accepts(policy, "0.3.0"), "the next upgrade may start")
    }

    func testAnswerCarriesTheClusterVersionState() throws {
        var policy = T.policy(local: T.build("0.2.0"), finalized: "0.2.0")
        policy.clusterActiveVersion = ActiveVersion(protocolVersion: 1, features: [.replicationV1])
        let (decision, reply) = policy.answer(T.hello(build: T.build("0.2.0")))
        guard case .accept = decision else { return XCTFail("\(decision)") }
        let accepted = try HelloAccepted(decoding: reply)
        XCTAssertEqual(accepted.acceptorNodeID, T.nodeID("node-1"))
        XCTAssertEqual(accepted.clusterActiveVersion, ActiveVersion(protocolVersion: 1, features: [.replicationV1]))
        XCTAssertEqual(accepted.clusterFinalizedVersion, T.version("0.2.0"))

        let (_, refusedReply) = policy.answer(T.hello(cluster: "nope"))
        XCTAssertEqual(try HelloRefused(decoding: refusedReply).code, .wrongCluster)
    }
}

import RondoCore
import RondoNode
import XCTest

final class PersistedNodeStateTests: XCTestCase {
    private let n1 = NodeID("n1")!
    private let n2 = NodeID("n2")!

    func testRoundTripsWithAndWithoutAnEpoch() throws {
        for state in [PersistedNodeState(nodeID: n1, clusterName: "prod eu"), PersistedNodeState(nodeID: n1, clusterName: "rondo", tableEpoch: 42)] {
            XCTAssertEqual(try PersistedNodeState(decoding: state.encoded()), state)
        }
        XCTAssertEqual(
            String(decoding: try PersistedNodeState(nodeID: n1, clusterName: "rondo", tableEpoch: 42).encoded(), as: UTF8.self),
            "rondo-node-state 1\nnode-id n1\ncluster-name rondo\ntable-epoch 42\n")
    }

    func testAnythingElseIsATypedErrorNamingTheProblem() {
        let cases: [(String, String)] = [
            ("", "empty"),
            ("rondo-node-state 1\nnode-id n1\ncluster-name rondo", "not complete"),
            ("rondo-node-state 2\nnode-id n1\ncluster-name rondo\n", "expected 'rondo-node-state 1'"),
            ("rondo-node-state 1\nnode-id n1\n", "no cluster-name"),
            ("rondo-node-state 1\ncluster-name rondo\n", "no valid node-id"),
            ("rondo-node-state 1\nnode-id n 1\ncluster-name rondo\n", "no valid node-id"),
            ("rondo-node-state 1\nnode-id n1\ncluster-name rondo\ntable-epoch -3\n", "not a number"),
            ("rondo-node-state 1\nnode-id n1\ncluster-name rondo\ncolour blue\n", "unknown key"),
            ("rondo-node-state 1\nnode-id n1\nnode-id n2\ncluster-name rondo\n", "twice"),
            ("rondo-node-state 1\nnode-id\ncluster-name rondo\n", "has no value"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try PersistedNodeState(decoding: Array(text.utf8)), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text.debugDescription): \(error)")
            }
        }
        XCTAssertThrowsError(try PersistedNodeState(decoding: [0xff, 0xfe, 0x0a]))
        XCTAssertThrowsError(try PersistedNodeState(decoding: [UInt8](repeating: 0x61, count: PersistedNodeState.bytesMax + 1)))
        XCTAssertThrowsError(try PersistedNodeState(nodeID: n1, clusterName: "a\nb").encoded())
    }

    func testCheckRefusesAnotherNodeOrClusterAndAcceptsAMissingNodeID() throws {
        let state = PersistedNodeState(nodeID: n1, clusterName: "rondo", tableEpoch: 3)
        XCTAssertNoThrow(try state.check(nodeID: n1, clusterName: "rondo"))
        XCTAssertNoThrow(try state.check(nodeID: nil, clusterName: "rondo"))
        XCTAssertThrowsError(try state.check(nodeID: n2, clusterName: "rondo")) { error in
            XCTAssertTrue("\(error)".contains("belongs to node n1 of cluster 'rondo', not to node n2"), "\(error)")
        }
        XCTAssertThrowsError(try state.check(nodeID: nil, clusterName: "other"))
        XCTAssertThrowsError(try state.check(nodeID: n1, clusterName: "other"))
    }
}

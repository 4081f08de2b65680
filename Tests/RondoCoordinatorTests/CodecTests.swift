import RondoCore
import RondoPeer
import RondoRing
import XCTest

@testable import RondoCoordinator

final class CodecTests: XCTestCase {
    private func midMigrationState() -> CoordinatorState {
        var cluster = CoordinatorHarness(replicas: 2)
        for name in ["n1", "n2", "n3"] {
            cluster.join(name)
            cluster.settle()
        }
        cluster.join("n4")
        cluster.ctl(.release(node("n2")))
        cluster.completeTransfers(limit: 2)
        cluster.heartbeats(sequences: [node("n1"): [0: 7, 3: 9]])
        cluster.coordinator.state.finalizedVersion = SemanticVersion(major: 0, minor: 1, patch: 0)
        cluster.coordinator.state.upgrade = UpgradeStateSlot(formatVersion: 3, bytes: [1, 2, 3])
        return cluster.state
    }

    func testRoundTrip() throws {
        let state = midMigrationState()
        XCTAssertNotNil(state.target)
        XCTAssertFalse(state.copies.isEmpty)
        let decoded = try CoordinatorState(decoding: state.encoded())
        XCTAssertEqual(decoded.durable, state.durable)
        XCTAssertEqual(decoded.members[node("n1")]?.appliedSequences, [0: 7, 3: 9])
        XCTAssertEqual(decoded.encoded(), state.encoded())
        let empty = CoordinatorState(clusterName: "c", vnodeCount: try VnodeCount(16), replicaCount: 1)
        XCTAssertEqual(try CoordinatorState(decoding: empty.encoded()), empty)
    }

    func testUnknownSectionsAreSkippedOnlyWhenOptional() throws {
        let bytes = midMigrationState().encoded()
        var optional = bytes
        optional += [0x01, 0x80, 2, 0, 0, 0, 9, 9]
        XCTAssertNoThrow(try CoordinatorState(decoding: optional))
        var required = bytes
        required += [0x09, 0x00, 0, 0, 0, 0]
        XCTAssertThrowsError(try CoordinatorState(decoding: required)) { error in
            XCTAssertEqual(error as? CoordinatorStateDecodeError, .unknownRequiredSection(9))
        }
        XCTAssertThrowsError(try CoordinatorState(decoding: Array("RCSX".utf8) + [1]))
        XCTAssertThrowsError(try CoordinatorState(decoding: Array("RCST".utf8) + [2]))
    }

    func testMalformedInputNeverCrashes() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        let valid = midMigrationState().encoded()
        var accepted = 0
        for round in 0..<1_500 {
            var bytes = valid
            switch round % 4 {
            case 0:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case 1:
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[index] ^= UInt8.random(in: 1...255, using: &random)
                }
            case 2:
                let index = Int.random(in: 5..<bytes.count, using: &random)
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: index)
            default:
                bytes = Array("RCST".utf8) + [1] + (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            if let state = try? CoordinatorState(decoding: bytes) {
                accepted += 1
                XCTAssertNoThrow(try state.checkInvariants(), "seed \(seed) round \(round)")
            }
        }
        XCTAssertLessThan(accepted, 1_500, "seed \(seed)")
    }
}

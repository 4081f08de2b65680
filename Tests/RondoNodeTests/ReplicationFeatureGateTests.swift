import NIOCore
import RondoCluster
import RondoCore
import RondoNode
import RondoPeer
import RondoRing
import XCTest

/// A primary's replication batches follow the cluster's feature gate carried by the table pushes:
/// plain until every member offers `replication.lz4-batches` and the cluster is finalized at 0.2,
/// LZ4 (tag `itemsLZ4`) from then on, for the primaries the node already runs too.
final class ReplicationFeatureGateTests: XCTestCase {
    private typealias H = ClusterNodeHarness
    private let finalized = SemanticVersion(major: 0, minor: 2, patch: 0)

    private func update(_ table: RoutingTable, features: Set<FeatureName>, finalized: SemanticVersion?) -> NodeTableUpdate {
        var update = H.update(table)
        update.activeFeatures = features
        update.finalizedVersion = finalized
        return update
    }

    /// Writes `value` on the primary and returns the batch frames sent for it, checking that the
    /// secondary applies them and the write completes.
    private func replicate(
        _ value: String, vnode: Int, primary: ClusterNode, secondary: ClusterNode, at time: Int64,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [PeerFrame] {
        let key = H.key(inVnode: vnode, of: primary)
        let (id, effects) = try H.write(value, to: key, on: primary, now: H.instant(time))
        let batches = (effects + primary.flushReplication(now: H.instant(time))).replicationBatches
        XCTAssertFalse(batches.isEmpty, "nothing replicated", file: file, line: line)
        var frames: [PeerFrame] = []
        var replies: [NodeEffect] = []
        for (_, batch) in batches {
            let frame = batch.frame()
            frames.append(frame)
            replies += secondary.receive(.replication(try ReplicationBatch(decoding: frame)), from: primary.nodeID, now: H.instant(time + 1))
        }
        XCTAssertEqual(secondary.store.peek(key).map { String(buffer: $0.value) }, value, file: file, line: line)
        var completions: [NodeEffect] = []
        for (_, message) in replies.peerMessages { completions += primary.receive(message, from: secondary.nodeID, now: H.instant(time + 2)) }
        XCTAssertEqual(completions.completedWrites, [id], file: file, line: line)
        return frames
    }

    private func isLZ4(_ frame: PeerFrame) -> Bool {
        let tags = Set(frame.fields.map(\.tag))
        return tags.contains(ReplicationBatch.Tag.itemsLZ4) && !tags.contains(ReplicationBatch.Tag.items)
    }

    private func isPlain(_ frame: PeerFrame) -> Bool {
        let tags = Set(frame.fields.map(\.tag))
        return tags.contains(ReplicationBatch.Tag.items) && !tags.contains(ReplicationBatch.Tag.itemsLZ4)
    }

    private func pair(_ table: RoutingTable) throws -> (vnode: Int, primary: ClusterNode, secondary: ClusterNode) {
        let vnode = try XCTUnwrap((0..<H.vnodeCount.value).first { table.primary(of: $0) == MemberID(1) })
        let primary = H.makeNode(H.n1, replication: ReplicationConfiguration(writeAckPolicy: .all, batchCompression: .lz4))
        let secondary = H.makeNode(H.nodeID(of: table.replicas(of: vnode)[1]))
        return (vnode, primary, secondary)
    }

    func testAFinalizedActiveFeatureMakesThePrimarySendLZ4Batches() throws {
        let table = try H.initialTable(replicaCount: 2)
        let (vnode, primary, secondary) = try pair(table)
        _ = primary.receiveFromCoordinator(.table(update(table, features: BuildInfo.current.features, finalized: finalized)), now: H.instant(0))
        _ = secondary.receiveFromCoordinator(.table(H.update(table)), now: H.instant(0))
        XCTAssertEqual(primary.replicationBatchCompression, .lz4)
        let frames = try replicate("compressed", vnode: vnode, primary: primary, secondary: secondary, at: 1)
        XCTAssertTrue(frames.allSatisfy(isLZ4), "every batch carries itemsLZ4")
    }

    func testWithoutTheFeatureOrWithoutFinalizeBatchesArePlain() throws {
        let table = try H.initialTable(replicaCount: 2)
        let cases: [(Set<FeatureName>, SemanticVersion?, String)] = [
            ([], nil, "a 0.1.0 coordinator's push"),
            (BuildInfo.release_0_1_0.features, nil, "a 0.1.0 member"),
            (BuildInfo.current.features, nil, "every member on 0.2.0, not finalized"),
            (BuildInfo.current.features, SemanticVersion(major: 0, minor: 1, patch: 0), "finalized at 0.1.0"),
        ]
        for (features, finalizedVersion, what) in cases {
            // The configured `.lz4` is overridden: the gate decides.
            let (vnode, primary, secondary) = try pair(table)
            _ = primary.receiveFromCoordinator(.table(update(table, features: features, finalized: finalizedVersion)), now: H.instant(0))
            _ = secondary.receiveFromCoordinator(.table(H.update(table)), now: H.instant(0))
            XCTAssertEqual(primary.replicationBatchCompression, .none, what)
            let frames = try replicate("plain", vnode: vnode, primary: primary, secondary: secondary, at: 1)
            XCTAssertTrue(frames.allSatisfy(isPlain), what)
        }
    }

    func testFinalizeSwitchesARunningPrimaryAndALatePushDoesNotUndoIt() throws {
        let table = try H.initialTable(replicaCount: 2)
        let (vnode, primary, secondary) = try pair(table)
        _ = primary.receiveFromCoordinator(.table(update(table, features: BuildInfo.current.features, finalized: nil)), now: H.instant(0))
        _ = secondary.receiveFromCoordinator(.table(H.update(table)), now: H.instant(0))
        XCTAssertTrue(try replicate("before", vnode: vnode, primary: primary, secondary: secondary, at: 1).allSatisfy(isPlain))

        // Finalize: the coordinator pushes the same epoch again with the finalized version.
        let again = primary.receiveFromCoordinator(
            .table(update(table, features: BuildInfo.current.features, finalized: finalized)), now: H.instant(10))
        XCTAssertEqual(again.coordinatorMessages.count, 1, "acknowledged again")
        if case .epochAcknowledged(let epoch)? = again.coordinatorMessages.first { XCTAssertEqual(epoch, table.epoch) } else { XCTFail("no ack") }
        XCTAssertEqual(primary.finalizedVersion, finalized)
        XCTAssertTrue(try replicate("after", vnode: vnode, primary: primary, secondary: secondary, at: 11).allSatisfy(isLZ4))

        // A push that names no finalized version (an older message) does not lower it.
        _ = primary.receiveFromCoordinator(.table(update(table, features: BuildInfo.current.features, finalized: nil)), now: H.instant(20))
        XCTAssertEqual(primary.finalizedVersion, finalized)
        XCTAssertEqual(primary.replicationBatchCompression, .lz4)
    }
}

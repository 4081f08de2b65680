import NIOCore
import RondoCore
import XCTest

@testable import RondoPeer

/// 0.2.0's gated wire change: the builds, the active version fields of `RoutingTableUpdate`, and
/// `FeatureGate`'s rule (on only when every member offers the feature and the cluster is
/// finalized at a release that has it).
final class FeatureGateTests: XCTestCase {
    private typealias T = PeerTestSupport

    /// `RoutingTableUpdate` as 0.1.0 decoded it: epoch, table and directory; any other tag unknown.
    private struct RoutingTableUpdateOfRelease010 {
        var epoch: UInt64
        var table: ByteBuffer
        var directory: [PeerDirectoryEntry] = []

        init(decoding frame: PeerFrame) throws(PeerProtocolError) {
            let reader = try PeerFieldReader(frame, expecting: .routingTableUpdate)
            epoch = try reader.integer(1)
            table = try reader.bytes(2)
            guard let value = try reader.optionalBytes(3) else { return }
            for entry in try PeerNestedFields.parse(value, messageType: .routingTableUpdate, tag: 3, entriesMax: 1024) where entry.tag == 1 {
                let nested = try PeerNestedFields.parse(entry.value, messageType: .routingTableUpdate, tag: 3, entriesMax: 64)
                directory.append(try PeerDirectoryEntry(reading: PeerNestedFields.reader(nested, messageType: .routingTableUpdate)))
            }
        }
    }

    private let entry = PeerDirectoryEntry(
        memberID: 1, nodeID: NodeID("a")!, clientHost: "127.0.0.1", clientPort: 11211, peerHost: "127.0.0.1", peerPort: 7001)

    func testThisBuildIsTheFirstReleasePlusLZ4Batches() {
        XCTAssertEqual(RondoVersion.current, T.version("0.2.5"))
        XCTAssertEqual(BuildInfo.current.features, [.replicationV1, .transferLZ4, .replicationLZ4Batches])
        XCTAssertEqual(BuildInfo.current.protocolVersions, 1...1)
        // What a 0.1.0 node says in its hello, unchanged.
        XCTAssertEqual(BuildInfo.release_0_1_0.softwareVersion, T.version("0.1.0"))
        XCTAssertEqual(BuildInfo.release_0_1_0.protocolVersions, 1...1)
        XCTAssertEqual(BuildInfo.release_0_1_0.features, [.replicationV1, .transferLZ4])
        XCTAssertEqual(FeatureName.replicationLZ4Batches.rawValue, "replication.lz4-batches")
    }

    func testActiveVersionFieldsRoundTrip() throws {
        let update = RoutingTableUpdate(
            epoch: 7, table: ByteBuffer(bytes: [9, 8]), directory: [entry],
            activeFeatures: [.replicationV1, .transferLZ4, .replicationLZ4Batches], finalizedVersion: T.version("0.2.0"))
        let decoded = try T.roundTrip(update)
        XCTAssertEqual(decoded, update)
        XCTAssertEqual(decoded.activeFeatures, [.replicationV1, .transferLZ4, .replicationLZ4Batches])
        XCTAssertEqual(decoded.finalizedVersion, T.version("0.2.0"))

        // A 0.1.0 coordinator's push: neither field, so nothing gated is on.
        let old = try T.roundTrip(RoutingTableUpdate(epoch: 7, table: ByteBuffer(bytes: [9, 8]), directory: [entry]))
        XCTAssertEqual(old.activeFeatures, [])
        XCTAssertNil(old.finalizedVersion)
        let frame = RoutingTableUpdate(epoch: 7, table: ByteBuffer(bytes: [9, 8])).frame()
        XCTAssertEqual(frame.fields.map(\.tag), [RoutingTableUpdate.Tag.epoch, RoutingTableUpdate.Tag.table])
    }

    func testAReceiverOfRelease010IgnoresTheNewFields() throws {
        let update = RoutingTableUpdate(
            epoch: 7, table: ByteBuffer(bytes: [9, 8]), directory: [entry],
            activeFeatures: [.replicationV1, .replicationLZ4Batches], finalizedVersion: T.version("0.2.0"))
        var bytes = T.bytes([update.frame()])
        var decoder = PeerFrameDecoder()
        let frame = try XCTUnwrap(decoder.decode(buffer: &bytes))
        XCTAssertTrue(frame.fields.contains { $0.tag == RoutingTableUpdate.Tag.activeFeature })
        XCTAssertTrue(frame.fields.contains { $0.tag == RoutingTableUpdate.Tag.finalizedVersion })
        let old = try RoutingTableUpdateOfRelease010(decoding: frame)
        XCTAssertEqual(old.epoch, 7)
        XCTAssertEqual(old.table, ByteBuffer(bytes: [9, 8]))
        XCTAssertEqual(old.directory, [entry])
    }

    func testABrokenFeatureOrVersionIsATypedError() {
        var frame = RoutingTableUpdate(epoch: 1, table: ByteBuffer()).frame()
        frame.fields.append(PeerField(tag: RoutingTableUpdate.Tag.activeFeature, value: ByteBuffer(string: "not a token!")))
        guard case .invalidFieldValue(.routingTableUpdate, RoutingTableUpdate.Tag.activeFeature, _)? = T.protocolError({
            _ = try RoutingTableUpdate(decoding: frame)
        }) else { return XCTFail("a bad feature name must be refused") }

        var version = RoutingTableUpdate(epoch: 1, table: ByteBuffer()).frame()
        version.fields.append(PeerField(tag: RoutingTableUpdate.Tag.finalizedVersion, value: ByteBuffer(bytes: [1])))
        XCTAssertNotNil(T.protocolError { _ = try RoutingTableUpdate(decoding: version) })
    }

    func testLZ4BatchesNeedEveryMemberAndFinalize() {
        let all: Set<FeatureName> = BuildInfo.current.features
        let shared = all.intersection(BuildInfo.release_0_1_0.features)
        let gate = { (features: Set<FeatureName>, finalized: String?) in
            FeatureGate.isOn(.replicationLZ4Batches, activeFeatures: features, finalizedVersion: finalized.map(T.version))
        }
        XCTAssertFalse(gate(shared, nil), "a 0.1.0 member lacks it")
        XCTAssertFalse(gate(shared, "0.1.0"))
        XCTAssertFalse(gate(all, nil), "every member offers it, but a rollback is still allowed")
        XCTAssertFalse(gate(all, "0.1.0"), "finalized at a release without it")
        XCTAssertTrue(gate(all, "0.2.0"))
        XCTAssertTrue(gate(all, "0.2.3"))
        XCTAssertTrue(gate(all, "0.3.0"), "a later finalize keeps it on")
        XCTAssertFalse(gate(shared, "0.2.0"), "a member without it (which admission refuses) turns it off")
        // A feature not gated by finalize is on once every member offers it.
        XCTAssertTrue(FeatureGate.isOn(.transferLZ4, activeFeatures: shared, finalizedVersion: nil))
    }
}

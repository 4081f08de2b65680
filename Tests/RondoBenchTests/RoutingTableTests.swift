import NIOCore
import RondoCore
import XCTest

@testable import RondoBench

final class RoutingTableTests: XCTestCase {
    /// 4 vnodes over 3 members, primaries n1 n2 n3 n1.
    static let table = """
        ROUTING 7 4 fnv1a64-fmix64 2\r
        NODE n1 127.0.0.1:11211\r
        NODE n2 127.0.0.1:11212\r
        NODE n3 [::1]:11213\r
        VNODE 0 n1,n2\r
        VNODE 1 n2,n3\r
        VNODE 2 n3,n1\r
        VNODE 3 n1,n3\r
        END\r

        """

    func testParsesTheTable() throws {
        let snapshot = try RoutingTableSnapshot(parsing: Self.table)
        XCTAssertEqual(snapshot.epoch, 7)
        XCTAssertEqual(snapshot.vnodeCount.value, 4)
        XCTAssertEqual(snapshot.replicas, 2)
        XCTAssertEqual(snapshot.nodes.map(\.memberID), ["n1", "n2", "n3"])
        XCTAssertEqual(snapshot.nodes.map(\.address), [
            ServerAddress(host: "127.0.0.1", port: 11211), ServerAddress(host: "127.0.0.1", port: 11212),
            ServerAddress(host: "::1", port: 11213),
        ])
        XCTAssertEqual((0..<4).map(snapshot.primaryIndex(ofVnode:)), [0, 1, 2, 0])
        XCTAssertEqual(snapshot.nodeIndex(ofMember: "n3"), 2)
        XCTAssertNil(snapshot.nodeIndex(ofMember: "n4"))
        // The key's vnode is VnodeHash's, as the nodes place it.
        let key = Array("key:42".utf8)
        let vnode = VnodeHash.vnode(ofHash: VnodeHash.hash(bytes: key), vnodeCount: snapshot.vnodeCount)
        XCTAssertEqual(key.withUnsafeBytes { snapshot.primaryIndex(ofKey: $0) }, snapshot.primaryIndex(ofVnode: vnode))
    }

    func testRejectsBadTables() {
        let cases: [(String, RoutingTableError)] = [
            ("SERVER_ERROR no routing table yet\r\n", .refused("SERVER_ERROR no routing table yet")),
            ("ERROR\r\n", .refused("ERROR")),
            ("ROUTING 7 3 fnv1a64-fmix64 2\r\nNODE n1 h:1\r\nVNODE 0 n1\r\nVNODE 1 n1\r\nVNODE 2 n1\r\nEND\r\n", .malformed("bad header 'ROUTING 7 3 fnv1a64-fmix64 2'")),
            ("ROUTING 7 1 md5 2\r\nNODE n1 h:1\r\nVNODE 0 n1\r\nEND\r\n", .malformed("unknown hash 'md5'")),
            ("ROUTING 7 1 fnv1a64-fmix64 2\r\nVNODE 0 n1\r\nEND\r\n", .malformed("no NODE lines")),
            ("ROUTING 7 1 fnv1a64-fmix64 2\r\nNODE n1 h:1\r\nVNODE 0 n9\r\nEND\r\n", .malformed("bad vnode line 'VNODE 0 n9'")),
            ("ROUTING 7 2 fnv1a64-fmix64 2\r\nNODE n1 h:1\r\nVNODE 0 n1\r\nEND\r\n", .malformed("bad vnode line 'END'")),
            ("ROUTING 7 1 fnv1a64-fmix64 2\r\nNODE n1 h:1\r\nVNODE 0 n1\r\n", .malformed("missing END")),
            ("ROUTING 7 1 fnv1a64-fmix64 2\r\nNODE n1 h\r\nVNODE 0 n1\r\nEND\r\n", .malformed("bad node address 'h'")),
            ("ROUTING 7 1 fnv1a64-fmix64 2\r\nNODE n1 h:1\r\nNODE n1 h:2\r\nVNODE 0 n1\r\nEND\r\n", .malformed("bad node line 'NODE n1 h:2'")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try RoutingTableSnapshot(parsing: text), text.debugDescription) { error in
                XCTAssertEqual(error as? RoutingTableError, expected)
            }
        }
    }

    func testReplyCompleteness() {
        XCTAssertFalse(RoutingReplyCollector.isComplete(ByteBuffer(string: "ROUTING 7 4 fnv1a64-fmix64 2\r\nNODE")))
        XCTAssertFalse(RoutingReplyCollector.isComplete(ByteBuffer(string: "ROUTING 7 4 fnv1a64-fmix64 2\r\n")))
        XCTAssertTrue(RoutingReplyCollector.isComplete(ByteBuffer(string: Self.table)))
        XCTAssertFalse(RoutingReplyCollector.isComplete(ByteBuffer(string: "SERVER_ERROR no rou")))
        XCTAssertTrue(RoutingReplyCollector.isComplete(ByteBuffer(string: "ERROR\r\n")))
    }

    func testRoutedWorkloadSendsOnlyTheMembersKeysWithTheSameMix() throws {
        let snapshot = try RoutingTableSnapshot(parsing: Self.table)
        let box = RoutingTableBox(snapshot)
        let mixed = MixedWorkload(getRatio: 0.9, sampler: KeySampler(keyCount: 10_000, distribution: .uniform), seed: 3)
        var routed = RoutedWorkload(workload: mixed, table: box, memberID: "n2", keyPrefix: "key:")
        var gets = 0
        for _ in 0..<2_000 {
            let operation = try XCTUnwrap(routed.nextOperation())
            let key = Array("key:\(operation.keyIndex)".utf8)
            XCTAssertEqual(key.withUnsafeBytes { snapshot.primaryIndex(ofKey: $0) }, 1, "key:\(operation.keyIndex)")
            if operation.kind == .get { gets += 1 }
        }
        XCTAssertEqual(Double(gets) / 2_000, 0.9, accuracy: 0.03)
        // A new table moves vnode 1 to n3: n2 now owns nothing and sends what it draws.
        box.replace(with: try RoutingTableSnapshot(parsing: Self.table.replacingOccurrences(of: "VNODE 1 n2,n3", with: "VNODE 1 n3,n2")))
        var owners = Set<Int>()
        for _ in 0..<200 {
            let operation = try XCTUnwrap(routed.nextOperation())
            owners.insert(Array("key:\(operation.keyIndex)".utf8).withUnsafeBytes { box.snapshot.primaryIndex(ofKey: $0) })
        }
        XCTAssertEqual(owners, [0, 2])
    }
}

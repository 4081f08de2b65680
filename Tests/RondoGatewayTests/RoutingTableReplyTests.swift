import NIOCore
import RondoBench
import RondoGateway
import XCTest

/// The table a node writes is the table `rondo bench --routing-aware` reads.
final class RoutingTableReplyTests: XCTestCase {
    func testBenchClientParsesWhatTheGatewayWrites() throws {
        let nodes = (1...3).map { RoutingTableReply.Node(memberID: "n\($0)", host: "127.0.0.1", clientPort: 11210 + $0) }
        let vnodes = (0..<16).map { vnode in ["n\(vnode % 3 + 1)", "n\((vnode + 1) % 3 + 1)"] }
        let reply = RoutingTableReply(epoch: 42, replicas: 2, nodes: nodes, vnodes: vnodes).encode()
        let snapshot = try RoutingTableSnapshot(parsing: String(buffer: reply))
        XCTAssertEqual(snapshot.epoch, 42)
        XCTAssertEqual(snapshot.vnodeCount.value, 16)
        XCTAssertEqual(snapshot.replicas, 2)
        XCTAssertEqual(snapshot.nodes.map(\.memberID), ["n1", "n2", "n3"])
        XCTAssertEqual(snapshot.nodes.map(\.address.port), [11211, 11212, 11213])
        XCTAssertEqual((0..<16).map(snapshot.primaryIndex(ofVnode:)), (0..<16).map { $0 % 3 })
    }
}

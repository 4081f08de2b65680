import Synchronization
import NIOCore
import NIOEmbedded
@testable import RondoEngine
import XCTest

@testable import RondoServer

final class ConnectionAdmissionTests: XCTestCase {
    func testAdmitsBelowTheLimit() throws {
        let counters = NodeCounters()
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        XCTAssertTrue(ConnectionAdmission.admit(channel, counters: counters, maxConnections: 1))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertTrue(channel.isActive)
    }

    func testRefusesAtTheLimitWithMemcachedsLineAndCloses() throws {
        let counters = NodeCounters()
        counters.connectionOpened()
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        XCTAssertFalse(ConnectionAdmission.admit(channel, counters: counters, maxConnections: 1))
        channel.embeddedEventLoop.run()
        let reply = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(String(buffer: reply), "ERROR Too many open connections\r\n")
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(counters.rejectedConnections.load(ordering: .relaxed), 1)
    }
}

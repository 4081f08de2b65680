import NIOCore
import XCTest

import RondoProtocol

@testable import RondoGateway

final class RetrievalReplyTests: XCTestCase {
    private func parse(_ text: String) throws(RetrievalReplyError) -> [String] {
        try RetrievalReply(parsing: ByteBuffer(string: text)).blocks.map { "\(String(buffer: $0.key))=\(String(buffer: $0.bytes))" }
    }

    func testParsesValueBlocksWithAnyDataBytes() throws {
        XCTAssertEqual(try parse("END\r\n"), [])
        XCTAssertEqual(
            try parse("VALUE a 0 5\r\nEND\r\n\r\nVALUE b 1 0 77\r\n\r\nEND\r\n"),
            ["a=VALUE a 0 5\r\nEND\r\n\r\n", "b=VALUE b 1 0 77\r\n\r\n"])
    }

    func testRejectsAnythingElse() {
        let cases: [(String, RetrievalReplyError)] = [
            ("", .malformed),
            ("VALUE a 0 1\r\nx\r\n", .malformed),
            ("VALUE a 0 2\r\nx\r\nEND\r\n", .malformed),
            ("VALUE a 0 -1\r\nEND\r\n", .malformed),
            ("VALUE a 0\r\nEND\r\n", .malformed),
            ("END\r\nEND\r\n", .malformed),
            ("STORED\r\n", .malformed),
            ("SERVER_ERROR out of memory\r\n", .serverError("out of memory")),
            ("ERROR\r\n", .serverError("ERROR")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text.debugDescription) { error in
                XCTAssertEqual(error as? RetrievalReplyError, expected, text.debugDescription)
            }
        }
    }

    func testMergeRejectsKeysNotAskedFor() throws {
        let split = RetrievalSplit(keys: KeyListFixture.keys("a b")) { key in
            String(buffer: key) == "a" ? .local : .remote(GatewayDestination(memberID: "n1"))
        }
        XCTAssertEqual(split.groups.map { String(buffer: $0.keyLine) }, ["a", "b"])
        var out = ByteBuffer()
        XCTAssertThrowsError(
            try split.merge([ByteBuffer(string: "END\r\n"), ByteBuffer(string: "VALUE z 0 1\r\nz\r\nEND\r\n")], into: &out))
        XCTAssertEqual(out.readableBytes, 0)
        try split.merge([ByteBuffer(string: "VALUE a 0 1\r\n1\r\nEND\r\n"), ByteBuffer(string: "END\r\n")], into: &out)
        XCTAssertEqual(String(buffer: out), "VALUE a 0 1\r\n1\r\nEND\r\n")
    }
}

final class ReplyQueueTests: XCTestCase {
    func testOnlyReadyHeadSlotsLeave() {
        var queue = ReplyQueue()
        queue.appendReady { $0.writeString("a") }
        let first = queue.appendWaiting()
        queue.appendReady { $0.writeString("b") }
        queue.appendReady { $0.writeString("c") }
        let second = queue.appendWaiting()
        XCTAssertEqual(queue.waitingCount, 2)
        var out = ByteBuffer()
        queue.popReady(into: &out)
        XCTAssertEqual(String(buffer: out), "a")
        queue.fulfil(second, with: ByteBuffer(string: "2"))
        queue.popReady(into: &out)
        XCTAssertEqual(String(buffer: out), "a")
        queue.fulfil(first, with: ByteBuffer(string: "1"))
        queue.fulfil(first, with: ByteBuffer(string: "again"))
        queue.popReady(into: &out)
        XCTAssertEqual(String(buffer: out), "a1bc2")
        XCTAssertTrue(queue.isEmpty)
        XCTAssertEqual(queue.waitingCount, 0)
    }
}

enum KeyListFixture {
    static func keys(_ line: String) -> RondoProtocol.KeyList { KeyList(line: ByteBuffer(string: line)) }
}

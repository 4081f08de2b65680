import NIOCore
import XCTest

@testable import RondoEngine

/// Replies compared with Debian's memcached 1.6.18 byte for byte (see docs/protocol.md).
final class ClassicCommandEngineTests: XCTestCase {
    func testSetGetAndMultiGet() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("set a 0 0 1\r\nx\r\nget a b a\r\n"), "STORED\r\nVALUE a 0 1\r\nx\r\nVALUE a 0 1\r\nx\r\nEND\r\n")
        XCTAssertEqual(try h.run("set f 4294967295 0 2\r\nhi\r\nget f\r\n"), "STORED\r\nVALUE f 4294967295 2\r\nhi\r\nEND\r\n")
        XCTAssertEqual(try h.run("get missing\r\n"), "END\r\n")
    }

    func testGetsReturnsCASAndCASCommand() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 1\r\nx\r\n")
        let reply = try h.run("gets a\r\n")
        let cas = try XCTUnwrap(reply.split(separator: "\r\n").first?.split(separator: " ").last)
        XCTAssertTrue(reply.hasPrefix("VALUE a 0 1 "))
        XCTAssertEqual(try h.run("cas a 0 0 1 \(cas)\r\ny\r\n"), "STORED\r\n")
        XCTAssertEqual(try h.run("cas a 0 0 1 \(cas)\r\nz\r\n"), "EXISTS\r\n")
        XCTAssertEqual(try h.run("cas zz 0 0 1 5\r\nx\r\n"), "NOT_FOUND\r\n")
        XCTAssertEqual(try h.stat("cas_hits"), "1")
        XCTAssertEqual(try h.stat("cas_badval"), "1")
        XCTAssertEqual(try h.stat("cas_misses"), "1")
    }

    func testAddReplaceAppendPrepend() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("replace a 0 0 1\r\nx\r\n"), "NOT_STORED\r\n")
        XCTAssertEqual(try h.run("append a 0 0 1\r\nx\r\n"), "NOT_STORED\r\n")
        XCTAssertEqual(try h.run("add a 7 0 1\r\nb\r\n"), "STORED\r\n")
        XCTAssertEqual(try h.run("add a 0 0 1\r\nx\r\n"), "NOT_STORED\r\n")
        XCTAssertEqual(try h.run("append a 0 0 1\r\nc\r\nprepend a 0 0 1\r\na\r\n"), "STORED\r\nSTORED\r\n")
        // append/prepend keep the item's flags.
        XCTAssertEqual(try h.run("get a\r\n"), "VALUE a 7 3\r\nabc\r\nEND\r\n")
        XCTAssertEqual(try h.run("replace a 1 0 1\r\nz\r\nget a\r\n"), "STORED\r\nVALUE a 1 1\r\nz\r\nEND\r\n")
    }

    func testExpiryForms() throws {
        let h = EngineHarness()
        let now = h.clock.nowSeconds()
        _ = try h.run("set rel 0 10 1\r\nx\r\nset never 0 0 1\r\nx\r\nset neg 0 -1 1\r\nx\r\n")
        _ = try h.run("set abs 0 \(now + 20) 1\r\nx\r\nset past 0 \(now - 5_000_000) 1\r\nx\r\n")
        XCTAssertEqual(try h.run("get neg past\r\n"), "END\r\n")
        XCTAssertEqual(try h.run("get rel\r\n"), "VALUE rel 0 1\r\nx\r\nEND\r\n")
        h.clock.advance(bySeconds: 10)
        XCTAssertEqual(try h.run("get rel\r\n"), "END\r\n")
        XCTAssertEqual(try h.run("get abs\r\n"), "VALUE abs 0 1\r\nx\r\nEND\r\n")
        h.clock.advance(bySeconds: 10)
        XCTAssertEqual(try h.run("get abs\r\n"), "END\r\n")
        h.clock.advance(bySeconds: 1_000_000)
        XCTAssertEqual(try h.run("get never\r\n"), "VALUE never 0 1\r\nx\r\nEND\r\n")
    }

    func testTouchAndGat() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 5 1\r\nx\r\n")
        XCTAssertEqual(try h.run("touch a 100\r\ntouch zz 1\r\n"), "TOUCHED\r\nNOT_FOUND\r\n")
        h.clock.advance(bySeconds: 50)
        XCTAssertEqual(try h.run("gat 10 a zz\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n")
        h.clock.advance(bySeconds: 11)
        XCTAssertEqual(try h.run("gats 0 a\r\n"), "END\r\n")
        XCTAssertEqual(try h.run("gat 10\r\n"), "END\r\n")
        XCTAssertEqual(try h.stat("touch_hits"), "2")
        XCTAssertEqual(try h.stat("touch_misses"), "3")
    }

    func testDelete() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("delete a\r\ndelete a\r\n"), "DELETED\r\nNOT_FOUND\r\n")
        XCTAssertEqual(try h.run("delete a 5\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n")
        XCTAssertEqual(try h.stat("delete_hits"), "1")
        XCTAssertEqual(try h.stat("delete_misses"), "1")
    }

    func testIncrDecrEdgeCases() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("incr n 1\r\n"), "NOT_FOUND\r\n")
        _ = try h.run("set n 0 0 2\r\n10\r\n")
        XCTAssertEqual(try h.run("decr n 100\r\n"), "0\r\n")
        XCTAssertEqual(try h.run("incr n 18446744073709551615\r\n"), "18446744073709551615\r\n")
        XCTAssertEqual(try h.run("incr n 2\r\n"), "1\r\n")
        XCTAssertEqual(try h.run("incr n abc\r\n"), "CLIENT_ERROR invalid numeric delta argument\r\n")
        _ = try h.run("set s 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("incr s 1\r\n"), "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n")
        XCTAssertEqual(try h.stat("incr_misses"), "1")
        XCTAssertEqual(try h.stat("decr_hits"), "1")
    }

    func testNoreplySuppressesReplies() throws {
        let h = EngineHarness()
        let input = "set a 0 0 1 noreply\r\nx\r\nadd a 0 0 1 noreply\r\nx\r\nincr zz 1 noreply\r\ntouch a 0 noreply\r\n"
            + "cas a 0 0 1 1 noreply\r\nx\r\ndelete zz noreply\r\nflush_all noreply\r\nverbosity 1 noreply\r\n"
            + "set a 0 abc 1 noreply\r\nset b 0 0 1 noreply\r\nxyz\r\nmn\r\n"
        // Even the bad data chunk is silent; only the CRLF left after it (parsed as a command) and mn answer.
        XCTAssertEqual(try h.run(input), "ERROR\r\nMN\r\n")
    }

    func testFlushAllWithDelay() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("flush_all 10\r\n"), "OK\r\n")
        XCTAssertEqual(try h.run("get a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n")
        h.clock.advance(bySeconds: 11)
        XCTAssertEqual(try h.run("get a\r\n"), "END\r\n")
        _ = try h.run("set b 0 0 1\r\nx\r\n")
        XCTAssertEqual(try h.run("flush_all\r\nget b\r\n"), "OK\r\nEND\r\n")
        XCTAssertEqual(try h.stat("cmd_flush"), "2")
    }

    func testErrorsVersionVerbosityQuit() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("GET a\r\nbogus\r\n\r\n"), "ERROR\r\nERROR\r\nERROR\r\n")
        XCTAssertEqual(try h.run("set a 0 0 3\r\nabcde\r\nget a\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n")
        XCTAssertEqual(try h.run("version\r\n"), "VERSION \(h.engine.settings.version)\r\n")
        XCTAssertEqual(try h.run("verbosity 1\r\n"), "OK\r\n")
        var out = ByteBuffer()
        XCTAssertEqual(h.engine.execute(.quit, into: &out), .close)
        XCTAssertEqual(out.readableBytes, 0)
    }

    func testTooLargeValue() throws {
        var h = EngineHarness(maxItemBytes: 100)
        h.limits = .init(maxItemBytes: 100)
        let big = String(repeating: "y", count: 101)
        XCTAssertEqual(try h.run("set a 0 0 101\r\n\(big)\r\nget a\r\n"), "SERVER_ERROR object too large for cache\r\nEND\r\n")
    }

    func testStatsGroups() throws {
        let h = EngineHarness()
        _ = try h.run("set a 0 0 1\r\nx\r\nget a\r\nget b\r\n")
        XCTAssertEqual(try h.stat("cmd_get"), "2")
        XCTAssertEqual(try h.stat("get_hits"), "1")
        XCTAssertEqual(try h.stat("get_misses"), "1")
        XCTAssertEqual(try h.stat("cmd_set"), "1")
        XCTAssertEqual(try h.stat("curr_items"), "1")
        XCTAssertEqual(try h.stat("time"), String(h.clock.nowSeconds()))
        let general = try h.run("stats\r\n")
        XCTAssertTrue(general.hasPrefix("STAT pid "))
        XCTAssertTrue(general.hasSuffix("END\r\n"))
        let settings = try h.run("stats settings\r\n")
        XCTAssertTrue(settings.contains("STAT item_size_max 1048576\r\n"))
        XCTAssertTrue(settings.contains("STAT evictions on\r\n"))
        XCTAssertTrue(try h.run("stats items\r\n").hasPrefix("STAT items:1:number 1\r\n"))
        XCTAssertEqual(try h.run("stats sizes\r\n"), "STAT sizes_status disabled\r\nEND\r\n")
        XCTAssertEqual(try h.run("stats reset\r\n"), "RESET\r\n")
        XCTAssertEqual(try h.stat("get_hits"), "0")
        XCTAssertEqual(try h.run("stats foo\r\n"), "ERROR\r\n")
    }

    func testConnectionCounters() throws {
        let h = EngineHarness()
        h.counters.connectionOpened()
        h.counters.connectionOpened()
        h.counters.connectionClosed()
        h.counters.connectionRejected()
        XCTAssertEqual(try h.stat("curr_connections"), "1")
        XCTAssertEqual(try h.stat("total_connections"), "2")
        XCTAssertEqual(try h.stat("rejected_connections"), "1")
    }
}

import XCTest

/// `cache_memlimit`, `stats cachedump` and `version`: what real clients (pymemcache's suite,
/// libmemcached's memccapable) send besides data commands.
final class AdministrativeCommandTests: XCTestCase {
    func testCacheMemlimitChangesTheLimitWithMemcachedBounds() throws {
        let h = EngineHarness(memoryLimitBytes: 64 << 20, eviction: .none)
        XCTAssertEqual(try h.run("cache_memlimit 50\r\n"), "OK\r\n")
        XCTAssertEqual(try h.stat("limit_maxbytes"), String(50 << 20))
        XCTAssertEqual(try h.run("cache_memlimit 7\r\n"), "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n")
        XCTAssertEqual(try h.run("cache_memlimit 2000000000\r\n"), "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n")
        XCTAssertEqual(try h.run("cache_memlimit 9 noreply\r\ncache_memlimit\r\ncache_memlimit x\r\n"), "ERROR\r\nERROR\r\n")
        XCTAssertEqual(try h.stat("limit_maxbytes"), String(9 << 20))
    }

    /// The routing-table command is a cluster node's; a standalone node answers like memcached,
    /// which does not know it.
    func testRoutingTableCommandIsUnknownOnAStandaloneNode() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("rondo_routing\r\nrondo_routing now\r\n"), "ERROR\r\nERROR\r\n")
    }

    func testLoweredLimitRefusesWritesWithoutEviction() throws {
        let h = EngineHarness(memoryLimitBytes: 64 << 20, eviction: .none)
        let value = String(repeating: "v", count: 500_000)
        for i in 0..<16 { XCTAssertEqual(try h.run("set k\(i) 0 0 \(value.utf8.count)\r\n\(value)\r\n"), "STORED\r\n") }
        XCTAssertEqual(try h.run("cache_memlimit 8\r\n"), "OK\r\n")
        XCTAssertEqual(try h.run("set more 0 0 \(value.utf8.count)\r\n\(value)\r\n"), "SERVER_ERROR out of memory storing object\r\n")
        XCTAssertEqual(try h.run("get k0\r\n").hasPrefix("VALUE k0 0 500000\r\n"), true, "lowering evicts nothing at once")
    }

    func testCachedumpListsItemsOfThePseudoClass() throws {
        let h = EngineHarness()
        XCTAssertEqual(try h.run("set a 0 0 3\r\nabc\r\nset b 0 100 1\r\nx\r\n"), "STORED\r\nSTORED\r\n")
        let dump = try h.run("stats cachedump 1 0\r\n")
        XCTAssertTrue(dump.contains("ITEM a [3 b; 0 s]\r\n"), dump)
        XCTAssertTrue(dump.contains("ITEM b [1 b; \(1_700_000_100) s]\r\n"), dump)
        XCTAssertTrue(dump.hasSuffix("END\r\n"))
        XCTAssertEqual(try h.run("stats cachedump 1 1\r\n").components(separatedBy: "ITEM ").count, 2, "limit respected")
        XCTAssertEqual(try h.run("stats cachedump 2 5\r\n"), "END\r\n")
        XCTAssertEqual(try h.run("stats cachedump 64 1\r\n"), "CLIENT_ERROR Illegal slab id\r\n")
        XCTAssertEqual(try h.run("stats cachedump 1\r\n"), "CLIENT_ERROR bad command line\r\n")
        XCTAssertEqual(try h.run("stats cachedump x 1\r\n"), "CLIENT_ERROR bad command line format\r\n")
    }

    func testVersionReportsTheMemcachedLevelWithRondoAsBuildMetadata() throws {
        let reply = try EngineHarness().run("version\r\n")
        XCTAssertTrue(reply.hasPrefix("VERSION 1.6.18+rondo."), reply)
    }
}

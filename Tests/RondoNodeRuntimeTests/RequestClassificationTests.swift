import NIOCore
import RondoProtocol
import RondoStorage
import RondoCore
import XCTest

@testable import RondoNodeRuntime

final class RequestClassificationTests: XCTestCase {
    private func kind(_ line: String) throws -> ClusterRequestKind {
        var decoder = MemcachedRequestDecoder()
        var buffer = ByteBuffer(string: line)
        let request = try XCTUnwrap(try decoder.decode(buffer: &buffer), line)
        return ClusterRequestKind(request)
    }

    private func keys(_ names: String...) -> [ByteBuffer] { names.map { ByteBuffer(string: $0) } }

    func testWritesAreWhatChangesAVnode() throws {
        XCTAssertEqual(try kind("set a 0 0 1\r\nx\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("delete a\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("incr a 1\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("touch a 10\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("gat 10 a b\r\n"), .write(keys: keys("a", "b")))
        XCTAssertEqual(try kind("mg a T30 v\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("mg a N30 v\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("ms a 1\r\nx\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("md a\r\n"), .write(keys: keys("a")))
        XCTAssertEqual(try kind("ma a\r\n"), .write(keys: keys("a")))
    }

    func testReadsAndTheRest() throws {
        XCTAssertEqual(try kind("get a b c\r\n"), .read(keys: keys("a", "b", "c")))
        XCTAssertEqual(try kind("gets a\r\n"), .read(keys: keys("a")))
        XCTAssertEqual(try kind("mg a v\r\n"), .read(keys: keys("a")))
        XCTAssertEqual(try kind("me a\r\n"), .read(keys: keys("a")))
        XCTAssertEqual(try kind("flush_all 5\r\n"), .flushLocally)
        XCTAssertEqual(try kind("version\r\n"), .keyless)
        XCTAssertEqual(try kind("stats\r\n"), .keyless)
    }

    func testAWriteThatChangesNothingKeepsTheFingerprint() {
        let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 1 << 20, vnodeCount: try! VnodeCount(16)), clock: ManualClock())
        let key = ByteBuffer(string: "k")
        XCTAssertNil(ItemFingerprint.of(key, in: store))
        _ = store.store(key, value: ByteBuffer(string: "v"), flags: 1, expiresAt: 0, mode: .set)
        let stored = ItemFingerprint.of(key, in: store)
        XCTAssertNotNil(stored)
        // add of an existing key: refused, nothing changed.
        _ = store.store(key, value: ByteBuffer(string: "w"), flags: 1, expiresAt: 0, mode: .add)
        XCTAssertEqual(ItemFingerprint.of(key, in: store), stored)
        _ = store.store(key, value: ByteBuffer(string: "w"), flags: 1, expiresAt: 0, mode: .set)
        XCTAssertNotEqual(ItemFingerprint.of(key, in: store), stored)
        // touch changes only the expiry, which replication must carry too.
        let rewritten = ItemFingerprint.of(key, in: store)
        XCTAssertTrue(store.touch(key, expiresAt: 1_700_000_500))
        XCTAssertNotEqual(ItemFingerprint.of(key, in: store), rewritten)
    }
}

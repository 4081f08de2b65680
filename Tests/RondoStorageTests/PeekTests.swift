import NIOCore
import RondoCore
import XCTest

@testable import RondoStorage

final class PeekTests: XCTestCase {
    func testPeekReturnsTheItemAsExportWouldWithoutMarkingItFetched() {
        let (store, _) = makeStore(compressMinBytes: 16)
        let value = String(repeating: "abcd", count: 64)
        guard case .stored(let cas) = store.store(bytes("k"), value: bytes(value), flags: 7, expiresAt: 0, mode: .set) else {
            return XCTFail("store failed")
        }
        let peeked = store.peek(bytes("k"))
        XCTAssertEqual(peeked.map { String(buffer: $0.value) }, value, "value decompressed")
        XCTAssertEqual(peeked?.flags, 7)
        XCTAssertEqual(peeked?.cas, cas)
        XCTAssertEqual(peeked?.isStale, false)
        XCTAssertEqual(store.get(bytes("k"))?.fetchedBefore, false, "peek does not count as a fetch")
        XCTAssertNil(store.peek(bytes("missing")))
    }

    func testPeekSeesStaleMarkAndHidesExpiredItemsWithoutReclaimingThem() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("stale"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        _ = store.delete(bytes("stale"), invalidate: true)
        XCTAssertEqual(store.peek(bytes("stale"))?.isStale, true)
        _ = store.store(bytes("short"), value: bytes("v"), flags: 0, expiresAt: clock.nowSeconds() + 5, mode: .set)
        clock.advance(bySeconds: 10)
        XCTAssertNil(store.peek(bytes("short")))
        XCTAssertEqual(store.stats().currentItems, 2, "peek reclaims nothing")
        assertConsistent(store)
    }
}

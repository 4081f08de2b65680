import NIOCore
import XCTest

@testable import RondoStorage

final class ExpiryAndFlushTests: XCTestCase {
    func testExpiredItemIsAMissAndIsRemovedOnAccess() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: clock.nowSeconds() + 10, mode: .set)
        clock.advance(bySeconds: 9)
        XCTAssertNotNil(store.get(bytes("k")))
        clock.advance(bySeconds: 1)
        XCTAssertNil(store.get(bytes("k")))
        let stats = store.stats()
        XCTAssertEqual(stats.currentItems, 0)
        XCTAssertEqual(stats.bytes, 0)
        XCTAssertEqual(stats.reclaimed, 1)
        XCTAssertEqual(stats.expiredUnfetched, 0, "it was fetched once")
    }

    func testExpiredItemCountsAsUnfetchedWhenNeverRead() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: clock.nowSeconds() + 1, mode: .set)
        clock.advance(bySeconds: 1)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .replace), .notStored)
        XCTAssertEqual(store.stats().expiredUnfetched, 1)
    }

    func testStoreWithPastExpiryRemovesTheItem() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertNotNil(store.store(bytes("k"), value: bytes("w"), flags: 0, expiresAt: clock.nowSeconds() - 1, mode: .set).cas)
        XCTAssertNil(store.get(bytes("k")))
        XCTAssertEqual(store.stats().bytes, 0)
    }

    func testSweepIsBoundedPerCallAndEventuallyRemovesAllExpired() {
        let (store, clock) = makeStore(vnodeCount: 64, shardCount: 8)
        for i in 0..<200 {
            let expiry = i % 2 == 0 ? clock.nowSeconds() + 5 : 0
            _ = store.store(bytes("k\(i)"), value: bytes("v"), flags: 0, expiresAt: expiry, mode: .set)
        }
        XCTAssertEqual(store.sweepExpired(maxItems: 1000), 0, "nothing expired yet")
        clock.advance(bySeconds: 5)
        var removed = 0
        for _ in 0..<100 {
            let step = store.sweepExpired(maxItems: 7)
            XCTAssertLessThanOrEqual(step, 7)
            removed += step
        }
        XCTAssertEqual(removed, 100)
        XCTAssertEqual(store.stats().currentItems, 100)
        XCTAssertEqual(store.stats().expiredUnfetched, 100)
        XCTAssertEqual(store.sweepExpired(maxItems: 0), 0)
        assertConsistent(store)
    }

    func testFlushNowInvalidatesEverythingButNotLaterStores() {
        let (store, _) = makeStore()
        for i in 0..<10 {
            _ = store.store(bytes("k\(i)"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        }
        store.flushAll(at: nil)
        XCTAssertNil(store.get(bytes("k0")))
        _ = store.store(bytes("k1"), value: bytes("new"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(text(store.get(bytes("k1"))), "new")
        XCTAssertNil(store.get(bytes("k2")))
        // k0 and k2 were reclaimed on access, the old k1 by the store: 7 flushed items remain.
        XCTAssertEqual(store.sweepExpired(maxItems: 100), 7)
        XCTAssertEqual(store.stats().currentItems, 1)
        assertConsistent(store)
    }

    func testFlushInThePastActsNow() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        store.flushAll(at: clock.nowSeconds() - 100)
        XCTAssertNil(store.get(bytes("k")))
    }

    func testDelayedFlushInvalidatesItemsStoredBeforeItsTime() {
        let (store, clock) = makeStore()
        _ = store.store(bytes("early"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        store.flushAll(at: clock.nowSeconds() + 10)
        clock.advance(bySeconds: 5)
        _ = store.store(bytes("middle"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertNotNil(store.get(bytes("early")), "flush not due yet")
        clock.advance(bySeconds: 5)
        XCTAssertNil(store.get(bytes("early")))
        XCTAssertNil(store.get(bytes("middle")))
        _ = store.store(bytes("late"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        clock.advance(bySeconds: 100)
        XCTAssertNotNil(store.get(bytes("late")))
    }
}

final class FlushRaceTests: XCTestCase {
    func testAnOperationHoldingThePreFlushEpochDoesNotDropItemsStoredAfterTheFlush() {
        let (store, clock) = makeStore(vnodeCount: 1)
        let staleTime = store.accessTime()
        store.flushAll(at: nil)
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        let hash = store.locate(bytes("k")).hash
        let found = store.withShard(ofVnode: 0) { $0.liveSlot(bytes("k"), vnode: 0, hash: hash, at: staleTime) != nil }
        XCTAssertTrue(found)
        XCTAssertEqual(staleTime.now, clock.nowSeconds())
        XCTAssertNotNil(store.get(bytes("k")))
    }
}

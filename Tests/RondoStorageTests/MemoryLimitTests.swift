import NIOCore
import XCTest

@testable import RondoStorage

final class MemoryLimitTests: XCTestCase {
    /// Every item in these tests: two-byte key, four-byte value.
    private let itemBytes = accounted(key: "k1", value: "vvvv")

    private func put(_ store: ItemStore, _ key: String) -> StoreOutcome {
        store.store(bytes(key), value: bytes("vvvv"), flags: 0, expiresAt: 0, mode: .set)
    }

    func testAccountingCountsKeyValueAndOverheadExactly() {
        let (store, _) = makeStore()
        _ = store.store(bytes("key"), value: bytes("value"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.stats().bytes, 3 + 5 + ItemStore.perItemOverheadBytes)
        _ = store.store(bytes("key"), value: bytes("longer value"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.stats().bytes, 3 + 12 + ItemStore.perItemOverheadBytes)
        _ = store.store(bytes("key"), value: bytes("!"), flags: 0, expiresAt: 0, mode: .append)
        XCTAssertEqual(store.stats().bytes, 3 + 13 + ItemStore.perItemOverheadBytes)
        _ = store.store(bytes("other"), value: bytes(""), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.stats().bytes, 3 + 13 + 5 + 2 * ItemStore.perItemOverheadBytes)
        XCTAssertEqual(store.stats().limitBytes, 64 << 20)
        _ = store.delete(bytes("key"))
        XCTAssertEqual(store.stats().bytes, 5 + ItemStore.perItemOverheadBytes)
        assertConsistent(store)
    }

    func testOutOfMemoryWithoutEviction() {
        let (store, _) = makeStore(memoryLimitBytes: 3 * itemBytes, eviction: .none)
        for key in ["k1", "k2", "k3"] {
            XCTAssertNotNil(put(store, key).cas)
        }
        XCTAssertEqual(put(store, "k4"), .outOfMemory)
        XCTAssertNotNil(put(store, "k2").cas, "a same-size replacement needs no new memory")
        XCTAssertEqual(
            store.store(bytes("k2"), value: bytes("vvvvv"), flags: 0, expiresAt: 0, mode: .replace), .outOfMemory)
        XCTAssertEqual(text(store.get(bytes("k2"))), "vvvv", "a failed replace leaves the old value")
        var stats = store.stats()
        XCTAssertEqual(stats.bytes, 3 * itemBytes)
        XCTAssertEqual(stats.currentItems, 3)
        XCTAssertEqual(stats.evictions, 0)
        XCTAssertEqual(
            store.store(bytes("k2"), value: bytes("vvvvv"), flags: 0, expiresAt: 0, mode: .set), .outOfMemory)
        XCTAssertNil(store.get(bytes("k2")), "a failed set removes the old value, as in memcached")
        stats = store.stats()
        XCTAssertEqual(stats.bytes, 2 * itemBytes)
        assertConsistent(store)
    }

    func testWithoutEvictionExpiredItemsAtTheTailAreReclaimed() {
        let (store, clock) = makeStore(memoryLimitBytes: 2 * itemBytes, eviction: .none, vnodeCount: 1)
        _ = store.store(bytes("k1"), value: bytes("vvvv"), flags: 0, expiresAt: clock.nowSeconds() + 1, mode: .set)
        _ = put(store, "k2")
        clock.advance(bySeconds: 1)
        XCTAssertNotNil(put(store, "k3").cas)
        XCTAssertEqual(store.stats().reclaimed, 1)
        XCTAssertEqual(store.stats().evictions, 0)
    }

    func testLRUEvictsLeastRecentlyUsedAndCounts() {
        let (store, _) = makeStore(memoryLimitBytes: 3 * itemBytes, eviction: .lru, vnodeCount: 1)
        for key in ["k1", "k2", "k3"] {
            XCTAssertNotNil(put(store, key).cas)
        }
        XCTAssertNotNil(store.get(bytes("k1")))
        XCTAssertNotNil(put(store, "k4").cas)
        XCTAssertNil(store.get(bytes("k2")), "k2 was least recently used")
        XCTAssertNotNil(put(store, "k5").cas)
        XCTAssertNil(store.get(bytes("k3")))
        XCTAssertNotNil(store.get(bytes("k1")))
        XCTAssertNotNil(store.get(bytes("k4")))
        XCTAssertNotNil(store.get(bytes("k5")))
        let stats = store.stats()
        XCTAssertEqual(stats.evictions, 2)
        XCTAssertEqual(stats.evictedUnfetched, 2)
        XCTAssertEqual(stats.bytes, 3 * itemBytes)
        assertConsistent(store)
    }

    func testGetWithoutBumpLeavesLRUOrder() {
        let (store, _) = makeStore(memoryLimitBytes: 2 * itemBytes, eviction: .lru, vnodeCount: 1)
        _ = put(store, "k1")
        _ = put(store, "k2")
        XCTAssertNotNil(store.get(bytes("k1"), bumpLRU: false))
        _ = put(store, "k3")
        XCTAssertNil(store.get(bytes("k1")))
        XCTAssertNotNil(store.get(bytes("k2")))
    }

    func testLRUKeepsTheGlobalLimitAcrossShards() {
        let (store, _) = makeStore(memoryLimitBytes: 100 * itemBytes, eviction: .lru)
        for i in 0..<1000 {
            XCTAssertNotNil(store.store(bytes("k\(i % 10)\(i)"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set).cas)
        }
        let stats = store.stats()
        XCTAssertLessThanOrEqual(stats.bytes, stats.limitBytes)
        XCTAssertEqual(stats.totalItems, 1000)
        XCTAssertEqual(stats.evictions, 1000 - stats.currentItems)
        XCTAssertGreaterThan(stats.currentItems, 50)
        assertConsistent(store)
    }

    func testBumpsAreThrottledToOncePerInterval() {
        let (store, clock) = makeStore(memoryLimitBytes: 2 * itemBytes, eviction: .lru, vnodeCount: 1, lruBumpIntervalSeconds: 60)
        _ = put(store, "k1")
        _ = put(store, "k2")
        XCTAssertNotNil(store.get(bytes("k1")), "stored this second: no bump")
        _ = put(store, "k3")
        XCTAssertNil(store.get(bytes("k1")), "k1 stayed at the tail")
        clock.advance(bySeconds: 60)
        XCTAssertNotNil(store.get(bytes("k2")), "bumped: its last move was 60 s ago")
        _ = put(store, "k4")
        XCTAssertNotNil(store.get(bytes("k2")))
        XCTAssertNil(store.get(bytes("k3")))
    }

    func testResetStatsKeepsGauges() {
        let (store, _) = makeStore(memoryLimitBytes: itemBytes, eviction: .lru, vnodeCount: 1)
        _ = put(store, "k1")
        _ = put(store, "k2")
        store.resetStats()
        let stats = store.stats()
        XCTAssertEqual(stats.evictions, 0)
        XCTAssertEqual(stats.totalItems, 0)
        XCTAssertEqual(stats.evictedUnfetched, 0)
        XCTAssertEqual(stats.currentItems, 1)
        XCTAssertEqual(stats.bytes, itemBytes)
    }

    func testTooLargeIsKeyPlusValuePlusOverheadAboveMaxItemBytes() {
        let (store, _) = makeStore(maxItemBytes: ItemStore.perItemOverheadBytes + 10)
        XCTAssertNotNil(store.store(bytes("k"), value: bytes("123456789"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("1234567890"), flags: 0, expiresAt: 0, mode: .replace), .tooLarge)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("x"), flags: 0, expiresAt: 0, mode: .append), .tooLarge)
        XCTAssertEqual(text(store.get(bytes("k"))), "123456789", "a failed append leaves the old value")
        XCTAssertEqual(store.store(bytes("k"), value: bytes("1234567890"), flags: 0, expiresAt: 0, mode: .set), .tooLarge)
        XCTAssertNil(store.get(bytes("k")), "a failed set removes the old value, as in memcached")
    }

    func testItemLargerThanTheWholeMemoryIsOutOfMemoryAndEvictsNothing() {
        let (store, _) = makeStore(memoryLimitBytes: 2 * itemBytes, eviction: .lru)
        _ = put(store, "k1")
        let big = String(repeating: "x", count: 2 * itemBytes)
        XCTAssertEqual(store.store(bytes("big"), value: bytes(big), flags: 0, expiresAt: 0, mode: .set), .outOfMemory)
        XCTAssertNotNil(store.get(bytes("k1")))
    }
}

final class MemoryEdgeTests: XCTestCase {
    func testOverheadConstantCoversTheItemsBookkeeping() {
        // Slot record + key index entry at the index's full load (3/4; the old dictionary's entry
        // was counted the same way) + member-list entry + the storage buffer's object and two
        // malloc headers (~80).
        let indexEntry = MemoryLayout<KeyIndex.Entry>.stride * 4 / 3
        let bookkeeping = MemoryLayout<ItemSlot?>.stride + indexEntry + MemoryLayout<Int>.stride + 80
        XCTAssertGreaterThanOrEqual(ItemStore.perItemOverheadBytes, bookkeeping)
    }

    func testArithmeticOutOfMemoryWithoutEviction() {
        let limit = accounted(key: "n", value: "9")
        let (store, _) = makeStore(memoryLimitBytes: limit, eviction: .none)
        _ = store.store(bytes("n"), value: bytes("9"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.arithmetic(bytes("n"), delta: 1, increment: true), .outOfMemory)
        XCTAssertEqual(store.arithmetic(bytes("m"), delta: 1, increment: true, autoCreate: (initial: 1, expiresAt: 0)), .outOfMemory)
        XCTAssertEqual(text(store.get(bytes("n"))), "9")
    }

    func testImportRespectsSizeAndMemoryLimits() {
        let (store, _) = makeStore(memoryLimitBytes: accounted(key: "k", value: "v"), maxItemBytes: accounted(key: "k", value: "vv"))
        XCTAssertEqual(store.importItem(ExportedItem(key: bytes("k"), value: bytes("vvv"), flags: 0, expiresAt: 0, cas: 9)), .tooLarge)
        XCTAssertEqual(store.importItem(ExportedItem(key: bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, cas: 9)), .stored(cas: 9))
        XCTAssertEqual(store.importItem(ExportedItem(key: bytes("j"), value: bytes("v"), flags: 0, expiresAt: 0, cas: 10)), .outOfMemory)
    }

    func testExtremeArgumentsDoNotTrap() {
        let (store, _) = makeStore(vnodeCount: 1)
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: Int64.max, mode: .set)
        XCTAssertEqual(store.exportVnode(0, maxItems: Int.max).items.count, 1)
        XCTAssertEqual(store.exportVnode(0, maxItems: 0).items.count, 0)
        XCTAssertEqual(store.sweepExpired(maxItems: Int.max), 0)
        XCTAssertEqual(store.sweepExpired(maxItems: -5), 0)
        store.dropVnode(7)
        XCTAssertEqual(store.arithmetic(bytes("k"), delta: .max, increment: false), .nonNumeric)
        XCTAssertNotNil(store.get(bytes("k")))
    }
}

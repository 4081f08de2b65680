import NIOCore
import RondoCore
import XCTest

@testable import RondoStorage

final class VnodeTests: XCTestCase {
    func testVnodeOfKeyIsVnodeHashOverTheKeyBytes() throws {
        let (store, _) = makeStore(vnodeCount: 64)
        let expected = VnodeHash.vnode(ofHash: VnodeHash.hash(bytes: Array("user:42".utf8)), vnodeCount: try VnodeCount(64))
        XCTAssertEqual(store.vnode(of: bytes("user:42")), expected)
    }

    /// Stores `key<i>` = `value<i>` for i in 0..<count; returns the keys by vnode.
    private func storeNumberedKeys(in store: ItemStore, count: Int) -> [Int: [String]] {
        var keysByVnode: [Int: [String]] = [:]
        for i in 0..<count {
            let key = "key\(i)"
            _ = store.store(bytes(key), value: bytes("value\(i)"), flags: 0, expiresAt: 0, mode: .set)
            keysByVnode[store.vnode(of: bytes(key)), default: []].append(key)
        }
        return keysByVnode
    }

    func testItemCountsPerVnodeAndDropLeavesOtherVnodesIntact() {
        let (store, _) = makeStore(vnodeCount: 16, shardCount: 4)
        let keysByVnode = storeNumberedKeys(in: store, count: 300)
        for vnode in 0..<16 {
            XCTAssertEqual(store.itemCount(inVnode: vnode), keysByVnode[vnode]?.count ?? 0)
        }
        XCTAssertEqual(store.itemCount(inVnode: 16), 0)
        XCTAssertEqual(store.itemCount(inVnode: -1), 0)
        let dropped = 5
        let droppedBytes = keysByVnode[dropped]!.reduce(0) { $0 + accounted(key: $1, value: "value" + $1.dropFirst(3)) }
        let bytesBefore = store.stats().bytes
        store.dropVnode(dropped)
        XCTAssertEqual(store.itemCount(inVnode: dropped), 0)
        XCTAssertEqual(store.stats().bytes, bytesBefore - droppedBytes)
        for (vnode, keys) in keysByVnode {
            for key in keys {
                XCTAssertEqual(store.get(bytes(key)) == nil, vnode == dropped, key)
            }
        }
        assertConsistent(store)
        // The dropped vnode takes items again.
        let key = keysByVnode[dropped]![0]
        _ = store.store(bytes(key), value: bytes("again"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.itemCount(inVnode: dropped), 1)
        assertConsistent(store)
    }

    /// A node frees a dropped copy a few items per tick: each step frees at most its share, the
    /// store stays consistent between steps (deletes in the middle leave tombstones the steps skip),
    /// other vnodes are untouched, and the emptied vnode takes items again.
    func testDroppingAVnodeInStepsFreesAtMostEachStepsShareUntilEmpty() {
        let (store, _) = makeStore(vnodeCount: 16, shardCount: 4)
        let keysByVnode = storeNumberedKeys(in: store, count: 2_000)
        let dropped = 5
        let keys = keysByVnode[dropped]!
        XCTAssertGreaterThan(keys.count, 60)
        // Deleted members in the middle and at the end: tombstones, and a trimmed tail.
        for key in keys.prefix(20) where keys.firstIndex(of: key)! % 3 == 0 { _ = store.delete(bytes(key)) }
        _ = store.delete(bytes(keys.last!))
        let otherBytes = store.stats().bytes - store.bytes(inVnode: dropped)
        var steps = 0
        while true {
            let before = store.itemCount(inVnode: dropped)
            let step = store.dropVnodeStep(dropped, maxItems: 16)
            steps += 1
            XCTAssertLessThanOrEqual(step.dropped, 16)
            XCTAssertEqual(store.itemCount(inVnode: dropped), before - step.dropped)
            assertConsistent(store)
            if step.isEmpty { break }
            XCTAssertEqual(step.dropped, 16, "a step that does not empty the vnode uses its whole share")
            XCTAssertLessThan(steps, 1_000)
        }
        XCTAssertEqual(steps, (keys.count - 8 + 15) / 16)
        XCTAssertEqual(store.itemCount(inVnode: dropped), 0)
        XCTAssertEqual(store.bytes(inVnode: dropped), 0)
        XCTAssertEqual(store.stats().bytes, otherBytes)
        XCTAssertEqual(store.memoryUsedBytes, otherBytes)
        for (vnode, keys) in keysByVnode where vnode != dropped {
            XCTAssertEqual(store.itemCount(inVnode: vnode), keys.count)
        }
        XCTAssertEqual(store.dropVnodeStep(dropped, maxItems: 16).isEmpty, true)
        XCTAssertEqual(store.dropVnodeStep(99, maxItems: 16).isEmpty, true, "out of range: nothing to drop")
        _ = store.store(bytes(keys[1]), value: bytes("again"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.itemCount(inVnode: dropped), 1)
        assertConsistent(store)
    }

    func testBytesPerVnodeFollowStoresReplacementsDeletesAndDrops() {
        let (store, _) = makeStore(vnodeCount: 16, shardCount: 4)
        var expected: [Int: Int] = [:]
        for i in 0..<200 {
            let key = "key\(i)"
            _ = store.store(bytes(key), value: bytes("value\(i)"), flags: 0, expiresAt: 0, mode: .set)
            expected[store.vnode(of: bytes(key)), default: 0] += accounted(key: key, value: "value\(i)")
        }
        // A replacement counts its new size only; a delete gives its bytes back.
        _ = store.store(bytes("key7"), value: bytes("a much longer value than before"), flags: 0, expiresAt: 0, mode: .set)
        expected[store.vnode(of: bytes("key7")), default: 0] +=
            accounted(key: "key7", value: "a much longer value than before") - accounted(key: "key7", value: "value7")
        _ = store.delete(bytes("key8"))
        expected[store.vnode(of: bytes("key8")), default: 0] -= accounted(key: "key8", value: "value8")
        for vnode in 0..<16 {
            XCTAssertEqual(store.bytes(inVnode: vnode), expected[vnode] ?? 0, "vnode \(vnode)")
        }
        XCTAssertEqual((0..<16).reduce(0) { $0 + store.bytes(inVnode: $1) }, store.stats().bytes)
        XCTAssertEqual(store.memoryUsedBytes, store.stats().bytes)
        XCTAssertEqual(store.bytes(inVnode: 16), 0)
        let dropped = store.vnode(of: bytes("key1"))
        store.dropVnode(dropped)
        XCTAssertEqual(store.bytes(inVnode: dropped), 0)
        assertConsistent(store)
    }

    func testExportImportRoundTripKeepsCASExpiryFlagsAndStaleness() throws {
        let (source, clock) = makeStore(vnodeCount: 4, compressMinBytes: 32)
        let expiry = clock.nowSeconds() + 1000
        for i in 0..<100 {
            let value = i % 3 == 0 ? String(repeating: "c", count: 100) : "v\(i)"
            _ = source.store(bytes("k\(i)"), value: bytes(value), flags: UInt32(i), expiresAt: i % 2 == 0 ? expiry : 0, mode: .set)
        }
        _ = source.delete(bytes("k1"), invalidate: true)
        let vnode = source.vnode(of: bytes("k1"))
        var exported: [ExportedItem] = []
        var cursor: VnodeExportCursor?
        var steps = 0
        repeat {
            let step = source.exportVnode(vnode, after: cursor, maxItems: 3)
            XCTAssertLessThanOrEqual(step.items.count, 3)
            exported += step.items
            cursor = step.next
            steps += 1
        } while cursor != nil && steps < 1000
        XCTAssertEqual(exported.count, source.itemCount(inVnode: vnode))
        XCTAssertEqual(Set(exported.map { String(buffer: $0.key) }).count, exported.count)

        let (target, _) = makeStore(vnodeCount: 4)
        for item in exported {
            XCTAssertEqual(target.importItem(item), .stored(cas: item.cas))
        }
        XCTAssertEqual(target.itemCount(inVnode: vnode), exported.count)
        for item in exported {
            let original = try XCTUnwrap(source.get(item.key))
            let copy = try XCTUnwrap(target.get(item.key))
            XCTAssertEqual(copy.value, original.value)
            XCTAssertEqual(copy.cas, original.cas)
            XCTAssertEqual(copy.flags, original.flags)
            XCTAssertEqual(copy.expiresAt, original.expiresAt)
            XCTAssertEqual(copy.isStale, original.isStale)
        }
        XCTAssertEqual(target.get(bytes("k1"))?.isStale, true)
        let maxImported = exported.map(\.cas).max()!
        let local = try XCTUnwrap(target.store(bytes("fresh"), value: bytes("x"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertGreaterThan(local, maxImported)
        assertConsistent(target)
    }

    func testExportReturnsEveryItemThatStaysDespiteConcurrentRemovals() {
        let (store, _) = makeStore(vnodeCount: 1)
        for i in 0..<200 {
            _ = store.store(bytes("k\(i)"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        }
        var seen = Set<String>()
        var step = store.exportVnode(0, maxItems: 50)
        seen.formUnion(step.items.map { String(buffer: $0.key) })
        // Remove most of what is not exported yet: forces member compaction mid-export.
        for i in 50..<180 {
            _ = store.delete(bytes("k\(i)"))
        }
        var steps = 0
        while let cursor = step.next, steps < 100 {
            step = store.exportVnode(0, after: cursor, maxItems: 50)
            seen.formUnion(step.items.map { String(buffer: $0.key) })
            steps += 1
        }
        for i in Array(0..<50) + Array(180..<200) {
            XCTAssertTrue(seen.contains("k\(i)"), "k\(i) missing from export")
        }
        assertConsistent(store)
    }

    func testExportSkipsExpiredItems() {
        let (store, clock) = makeStore(vnodeCount: 1)
        _ = store.store(bytes("gone"), value: bytes("v"), flags: 0, expiresAt: clock.nowSeconds() + 1, mode: .set)
        _ = store.store(bytes("kept"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        clock.advance(bySeconds: 1)
        let step = store.exportVnode(0, maxItems: 10)
        XCTAssertEqual(step.items.map { String(buffer: $0.key) }, ["kept"])
        XCTAssertNil(step.next)
    }
}

import NIOCore
import RondoCore
import XCTest

@testable import RondoStorage

/// The per-vnode key index: an open-addressing table of (hash, slot) with backward-shift deletion.
final class KeyIndexTests: XCTestCase {
    func testFindsWhatWasInsertedAcrossGrowth() {
        var index = KeyIndex()
        XCTAssertNil(index.slot(hash: 42) { _ in true })
        for slot in 0..<1_000 {
            index.insert(hash: Self.spread(slot), slot: slot)
            XCTAssertLessThanOrEqual(index.count * 4, index.capacity * 3, "load above 3/4 after \(slot)")
        }
        XCTAssertEqual(index.count, 1_000)
        XCTAssertEqual(index.capacity, 2_048)
        for slot in 0..<1_000 {
            XCTAssertEqual(index.slot(hash: Self.spread(slot)) { $0 == slot }, slot)
        }
        XCTAssertNil(index.slot(hash: Self.spread(1_000)) { _ in true })
        XCTAssertEqual(Set(index.occupied.map(\.slot)), Set(0..<1_000))
    }

    func testEqualHashesAreToldApartByTheCallersKeyComparison() {
        // Every entry on one probe run: only `matches` (the caller's key comparison) separates them.
        var index = KeyIndex()
        for slot in 0..<50 { index.insert(hash: 7, slot: slot) }
        for slot in 0..<50 {
            XCTAssertEqual(index.slot(hash: 7) { $0 == slot }, slot)
        }
        XCTAssertNil(index.slot(hash: 7) { $0 == 50 })
        // Removing from the middle of the run keeps the rest reachable.
        for slot in stride(from: 0, to: 50, by: 3) {
            XCTAssertTrue(index.remove(hash: 7, slot: slot))
        }
        for slot in 0..<50 {
            XCTAssertEqual(index.slot(hash: 7) { $0 == slot }, slot % 3 == 0 ? nil : slot, "slot \(slot)")
        }
        XCTAssertEqual(index.count, 50 - 17)
    }

    func testRunsThatWrapPastTheEndOfTheTableSurviveRemoval() {
        var index = KeyIndex()
        // Capacity 8 (up to 6 entries): hashes whose home is the last positions wrap to the front.
        let hashes: [UInt64] = [7, 7, 6, 7, 0, 1]
        for (slot, hash) in hashes.enumerated() { index.insert(hash: hash, slot: slot) }
        XCTAssertEqual(index.capacity, 8)
        XCTAssertTrue(index.remove(hash: 7, slot: 0))
        XCTAssertTrue(index.remove(hash: 6, slot: 2))
        for (slot, hash) in hashes.enumerated() where slot != 0 && slot != 2 {
            XCTAssertEqual(index.slot(hash: hash) { $0 == slot }, slot, "slot \(slot)")
        }
        XCTAssertFalse(index.remove(hash: 7, slot: 0), "already removed")
        XCTAssertFalse(index.remove(hash: 3, slot: 99), "never present")
        XCTAssertEqual(index.count, 4)
    }

    /// Random inserts and removals with few distinct hashes (many collisions), checked against a
    /// dictionary after every step.
    func testRandomOperationsAgreeWithADictionary() {
        for seed: UInt64 in [1, 2, 3, 4] {
            var random = SplitMix64(seed: seed)
            var index = KeyIndex()
            var reference: [Int: UInt64] = [:]  // slot → hash
            var nextSlot = 0
            for step in 0..<4_000 {
                if reference.isEmpty || random.next() % 3 != 0 {
                    let hash = random.next() % 64  // few hashes: long runs and equal hashes
                    index.insert(hash: hash, slot: nextSlot)
                    reference[nextSlot] = hash
                    nextSlot += 1
                } else {
                    let slot = reference.keys.randomElement(using: &random)!
                    XCTAssertTrue(index.remove(hash: reference[slot]!, slot: slot), "seed \(seed) step \(step)")
                    reference[slot] = nil
                }
                XCTAssertEqual(index.count, reference.count)
                if step % 97 == 0 {
                    for (slot, hash) in reference {
                        XCTAssertEqual(index.slot(hash: hash) { $0 == slot }, slot, "seed \(seed) step \(step)")
                    }
                }
            }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: index.occupied.map { ($0.slot, $0.hash) }), reference)
        }
    }

    func testSeededHashesKeepTheVnodeHashAndDependOnTheSeed() {
        let key = Array("user:1000".utf8)
        let a = key.withUnsafeBytes { VnodeHash.hashes($0, seed: 1) }
        let b = key.withUnsafeBytes { VnodeHash.hashes($0, seed: 2) }
        XCTAssertEqual(a.vnodeHash, 0x71fc_27d0_40be_722c)  // the pinned vector
        XCTAssertEqual(b.vnodeHash, a.vnodeHash)
        XCTAssertNotEqual(a.seededHash, b.seededHash)
        XCTAssertNotEqual(a.seededHash, a.vnodeHash)
    }

    /// One vnode holding many keys: sets, overwrites, deletes and expiry go through the index, and
    /// the audit re-derives every entry from the stored key.
    func testStoreKeepsItsIndexExactThroughChurnInOneVnode() {
        let (store, clock) = makeStore(vnodeCount: 1, shardCount: 1)
        for i in 0..<3_000 {
            XCTAssertTrue(Self.stored(store.store(bytes("k\(i)"), value: bytes("v\(i)"), flags: 0, expiresAt: 0, mode: .set)))
        }
        for i in stride(from: 0, to: 3_000, by: 2) {
            XCTAssertEqual(store.delete(bytes("k\(i)")), .deleted)
        }
        for i in stride(from: 1, to: 3_000, by: 4) {
            _ = store.store(bytes("k\(i)"), value: bytes("w\(i)"), flags: 0, expiresAt: clock.nowSeconds() + 10, mode: .set)
        }
        assertConsistent(store)
        XCTAssertEqual(store.itemCount(inVnode: 0), 1_500)
        for i in 0..<3_000 {
            let expected: String? = i % 2 == 0 ? nil : (i % 4 == 1 ? "w\(i)" : "v\(i)")
            XCTAssertEqual(text(store.get(bytes("k\(i)"))), expected, "k\(i)")
        }
        clock.advance(bySeconds: 11)
        for i in stride(from: 1, to: 3_000, by: 4) {
            XCTAssertNil(store.get(bytes("k\(i)")), "k\(i) expired")
        }
        XCTAssertEqual(store.itemCount(inVnode: 0), 750)
        assertConsistent(store)
        store.dropVnode(0)
        XCTAssertEqual(store.itemCount(inVnode: 0), 0)
        XCTAssertNil(store.get(bytes("k3")))
        XCTAssertTrue(Self.stored(store.store(bytes("k3"), value: bytes("again"), flags: 0, expiresAt: 0, mode: .set)))
        XCTAssertEqual(text(store.get(bytes("k3"))), "again")
        assertConsistent(store)
    }

    private static func stored(_ outcome: StoreOutcome) -> Bool {
        if case .stored = outcome { return true }
        return false
    }

    private static func spread(_ value: Int) -> UInt64 {
        VnodeHash.fmix64(UInt64(value) &+ 1)
    }
}

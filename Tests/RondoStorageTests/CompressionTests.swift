import NIOCore
import RondoCompression
import XCTest

@testable import RondoStorage

final class CompressionTests: XCTestCase {
    func testCompressibleValueRoundTripsAndIsAccountedCompressed() throws {
        let (store, _) = makeStore(compressMinBytes: 64)
        let value = String(repeating: "abcdefgh", count: 500)
        _ = store.store(bytes("k"), value: bytes(value), flags: 1, expiresAt: 0, mode: .set)
        XCTAssertEqual(text(store.get(bytes("k"))), value)
        let compressed = try LZ4.compress(bytes(value)).readableBytes
        XCTAssertLessThan(compressed, value.utf8.count)
        XCTAssertEqual(store.stats().bytes, 1 + compressed + ItemStore.perItemOverheadBytes)
    }

    func testShortOrIncompressibleValuesStayPlain() {
        let (store, _) = makeStore(compressMinBytes: 64)
        let short = String(repeating: "a", count: 63)
        _ = store.store(bytes("s"), value: bytes(short), flags: 0, expiresAt: 0, mode: .set)
        var generator = SystemRandomNumberGenerator()
        let noise = ByteBuffer(bytes: (0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = store.store(bytes("n"), value: noise, flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.stats().bytes, 1 + 63 + 1 + 256 + 2 * ItemStore.perItemOverheadBytes)
        XCTAssertEqual(store.get(bytes("n"))?.value, noise)
        XCTAssertEqual(text(store.get(bytes("s"))), short)
    }

    func testAppendAndArithmeticOnCompressedValues() {
        let (store, _) = makeStore(compressMinBytes: 1)
        let value = String(repeating: "z", count: 300)
        _ = store.store(bytes("k"), value: bytes(value), flags: 0, expiresAt: 0, mode: .set)
        _ = store.store(bytes("k"), value: bytes("tail"), flags: 0, expiresAt: 0, mode: .append)
        XCTAssertEqual(text(store.get(bytes("k"))), value + "tail")
        _ = store.store(bytes("n"), value: bytes(String(repeating: "0", count: 19) + "5"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(store.arithmetic(bytes("n"), delta: 1, increment: true).number, 6)
    }

    func testCorruptStoredValueIsAMissAndIsDropped() {
        let (store, _) = makeStore(compressMinBytes: 64)
        _ = store.store(bytes("k"), value: bytes(String(repeating: "q", count: 1000)), flags: 0, expiresAt: 0, mode: .set)
        changeStoredForm(of: "k", in: store) { form in
            XCTAssertTrue(form.isCompressed)
            // Keep the length header, garble the LZ4 block.
            let garbage = [UInt8](repeating: 0xFF, count: form.storage.readableBytes - form.keyLength - LZ4.headerBytes)
            form.storage.setBytes(garbage, at: form.keyLength + LZ4.headerBytes)
        }
        XCTAssertNil(store.get(bytes("k")))
        XCTAssertEqual(store.stats().currentItems, 0)
        XCTAssertEqual(store.stats().bytes, 0)
        assertConsistent(store)
    }

    func testAppendToCorruptStoredValueIsAMissAndDropsIt() {
        let (store, _) = makeStore(compressMinBytes: 64)
        _ = store.store(bytes("k"), value: bytes(String(repeating: "q", count: 1000)), flags: 0, expiresAt: 0, mode: .set)
        changeStoredForm(of: "k", in: store) { form in
            // A declared length above maxItemBytes: rejected before decompression.
            form.storage.setInteger(UInt32.max, at: form.keyLength)
        }
        XCTAssertEqual(store.store(bytes("k"), value: bytes("x"), flags: 0, expiresAt: 0, mode: .append), .notStored)
        XCTAssertEqual(store.stats().currentItems, 0)
        assertConsistent(store)
    }

    /// Changes an item's stored bytes in place, as memory corruption would.
    private func changeStoredForm(of key: String, in store: ItemStore, _ change: (inout StoredForm) -> Void) {
        let (vnode, hash) = store.locate(bytes(key))
        store.withShard(ofVnode: vnode) { shard in
            let index = shard.slot(of: bytes(key), vnode: vnode, hash: hash)!
            change(&shard.slots[index]!.form)
        }
    }
}

extension ArithmeticOutcome {
    var number: UInt64? {
        if case .value(let number, _) = self { return number }
        return nil
    }
}


import RondoCore
import NIOCore
import RondoCluster
import RondoPeer
import RondoStorage
import XCTest

final class ReplicationEntryEncodingTests: XCTestCase {
    private func sampleEntries(vnode: Int = 7, first: UInt64 = 41) -> [ReplicationEntry] {
        [
            ReplicationEntry(
                vnode: vnode, sequence: first, key: bytes("alpha"),
                change: .item(value: bytes("one"), flags: 0xDEAD_BEEF, expiresAt: 1_700_000_123, cas: 99, isStale: false)),
            ReplicationEntry(vnode: vnode, sequence: first + 1, key: bytes("beta"), change: .tombstone(cas: nil)),
            ReplicationEntry(vnode: vnode, sequence: first + 2, key: bytes("gamma"), change: .tombstone(cas: 12)),
            ReplicationEntry(
                vnode: vnode, sequence: first + 3, key: bytes(String(repeating: "k", count: 250)),
                change: .item(value: ByteBuffer(), flags: 0, expiresAt: -1, cas: .max, isStale: true)),
        ]
    }

    func testReplicationBatchRoundTripsThroughAPeerFrame() throws {
        for compression in [ItemsCompression.none, .lz4] {
            let entries = sampleEntries()
            let batch = ReplicationBatch(entries: entries, compression: compression)
            XCTAssertEqual(batch.firstSequence, 41)
            XCTAssertEqual(batch.itemCount, 4)
            let decoded = try ReplicationBatch(decoding: batch.frame())
            XCTAssertEqual(try decoded.decodedEntries(), entries, "\(compression)")
        }
    }

    func testTransferBatchRoundTripsLZ4CompressedWithTheSnapshotSequence() throws {
        var items: [ExportedItem] = []
        for index in 0..<50 {
            let value = bytes(String(repeating: "v\(index % 3)", count: 100))
            let item = ExportedItem(
                key: bytes("item-\(index)"), value: value, flags: UInt32(index), expiresAt: Int64(index),
                cas: UInt64(1000 + index), isStale: index % 7 == 0)
            items.append(item)
        }
        let batch = TransferBatch(batchIndex: 3, body: TransferBody(vnode: 5, items: items, snapshotSequence: 77), isLast: true)
        let frame = batch.frame()
        XCTAssertNotNil(frame.fields.first { $0.tag == TransferBatch.Tag.itemsLZ4 }, "transfer bodies travel LZ4-compressed")
        XCTAssertLessThan(frame.encodedBytes, batch.items.readableBytes, "repetitive values compress")
        let decoded = try TransferBatch(decoding: frame)
        XCTAssertEqual(try decoded.batchIndex(), 3)
        let body = try decoded.decodedBody()
        XCTAssertEqual(body.vnode, 5)
        XCTAssertEqual(body.snapshotSequence, 77)
        XCTAssertEqual(body.items.count, 50)
        for (original, copy) in zip(items, body.items) {
            XCTAssertEqual(copy.key, original.key)
            XCTAssertEqual(copy.value, original.value)
            XCTAssertEqual(copy.flags, original.flags)
            XCTAssertEqual(copy.expiresAt, original.expiresAt)
            XCTAssertEqual(copy.cas, original.cas)
            XCTAssertEqual(copy.isStale, original.isStale)
        }
    }

    func testBodyThatDisagreesWithItsFrameIsRejected() {
        let entries = sampleEntries()
        var batch = ReplicationBatch(entries: entries)
        batch.firstSequence = 40
        XCTAssertThrowsError(try batch.decodedEntries()) { error in
            XCTAssertEqual(error as? ReplicationDecodeError, .mismatch(field: "first sequence", frame: 40, body: 41))
        }
        batch = ReplicationBatch(entries: entries)
        batch.itemCount = 3
        XCTAssertThrowsError(try batch.decodedEntries())
    }

    func testSpecificMalformedBodiesGiveTypedErrors() {
        let valid = ReplicationEntryEncoding.replicationBody(vnode: 1, firstSequence: 1, entries: sampleEntries(vnode: 1, first: 1))
        var versioned = valid
        versioned.setInteger(UInt8(9), at: 0)
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(versioned)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .unsupportedFormatVersion(9))
        }
        var trailing = valid
        trailing.writeInteger(UInt8(0))
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(trailing)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .trailingBytes(1))
        }
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeTransferBody(valid)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .unexpectedBodyKind(1))
        }
        let limits = ReplicationEncodingLimits(entriesPerBodyMax: 3, valueBytesMax: 2)
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(valid, limits: limits)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .tooManyEntries(count: 4, maximum: 3))
        }
        let big = ReplicationEntryEncoding.replicationBody(vnode: 1, firstSequence: 1, entries: Array(sampleEntries(vnode: 1, first: 1).prefix(1)))
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(big, limits: limits)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .valueTooLarge(bytes: 3, maximum: 2))
        }
        var overflowing = ReplicationEntryEncoding.replicationBody(vnode: 1, firstSequence: 1, entries: sampleEntries(vnode: 1, first: 1))
        overflowing.setInteger(UInt64.max, at: 10)
        XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(overflowing)) {
            XCTAssertEqual($0 as? ReplicationDecodeError, .sequenceOverflow)
        }
    }

    /// Every truncation, and seeded random byte flips, insertions and garbage: decoding throws a
    /// typed error or yields entries, never crashes, and never yields more than the limit.
    func testMalformedInputFuzzNeverCrashes() {
        let seed: UInt64 = 0xC1_05
        var generator = SplitMix64(seed: seed)
        let valid = ReplicationEntryEncoding.replicationBody(vnode: 3, firstSequence: 10, entries: sampleEntries(vnode: 3, first: 10))
        let transfer = ReplicationEntryEncoding.transferBody(
            TransferBody(vnode: 3, items: [ExportedItem(key: bytes("k"), value: bytes("v"), flags: 1, expiresAt: 0, cas: 5)], snapshotSequence: 9))
        for length in 0..<valid.readableBytes {
            XCTAssertThrowsError(try ReplicationEntryEncoding.decodeReplicationBody(valid.getSlice(at: 0, length: length)!), "seed \(seed) cut \(length)")
        }
        var decodedCount = 0
        for round in 0..<3000 {
            var mutated = round % 2 == 0 ? valid : transfer
            var raw = Array(mutated.readableBytesView)
            switch round % 3 {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    raw[Int.random(in: 0..<raw.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 1:
                raw.insert(UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0...raw.count, using: &generator))
            default:
                raw = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            mutated = ByteBuffer(bytes: raw)
            let limits = ReplicationEncodingLimits(entriesPerBodyMax: 16, valueBytesMax: 4096)
            if let decoded = try? ReplicationEntryEncoding.decodeReplicationBody(mutated, limits: limits) {
                XCTAssertLessThanOrEqual(decoded.entries.count, 16, "seed \(seed) round \(round)")
                decodedCount += 1
            }
            if let body = try? ReplicationEntryEncoding.decodeTransferBody(mutated, limits: limits) {
                XCTAssertLessThanOrEqual(body.items.count, 16, "seed \(seed) round \(round)")
                decodedCount += 1
            }
        }
        // Flips inside values and flags still decode: the fuzz exercised both outcomes.
        XCTAssertGreaterThan(decodedCount, 0, "seed \(seed)")
    }
}

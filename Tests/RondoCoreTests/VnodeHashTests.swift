import RondoCore
import XCTest

/// Pins the key → vnode hash. These vectors were computed by the independent Python reference in
/// docs/protocol.md; if this test fails, keys would move between vnodes across versions.
final class VnodeHashTests: XCTestCase {
    private let vectors: [(key: [UInt8], hash: UInt64, vnodeOf1024: Int, vnodeOf16: Int)] = [
        ([], 0xefd0_1f60_ba99_2926, 294, 6),
        (Array("a".utf8), 0x82a2_a958_a9be_ce5b, 603, 11),
        (Array("foo".utf8), 0xaf85_ea55_6958_1d4c, 332, 12),
        (Array("user:1000".utf8), 0x71fc_27d0_40be_722c, 556, 12),
        (Array("key-00000042".utf8), 0x1c4a_f3b8_8a7b_10f0, 240, 0),
        ([0xff, 0x00] + Array("binary".utf8), 0x1a42_17d3_bc26_22f8, 760, 8),
        (Array(repeating: UInt8(ascii: "x"), count: 250), 0x2980_b40d_2a44_5d89, 393, 9),
    ]

    func testVectors() throws {
        let count1024 = try VnodeCount(1024)
        let count16 = try VnodeCount(16)
        for vector in vectors {
            let hash = VnodeHash.hash(bytes: vector.key)
            XCTAssertEqual(hash, vector.hash, "key \(vector.key)")
            XCTAssertEqual(VnodeHash.vnode(ofHash: hash, vnodeCount: count1024), vector.vnodeOf1024)
            XCTAssertEqual(VnodeHash.vnode(ofHash: hash, vnodeCount: count16), vector.vnodeOf16)
        }
    }

    func testPointerAndSequenceFormsAgree() {
        let key = Array("some:key".utf8)
        let viaPointer = key.withUnsafeBytes { VnodeHash.hash($0) }
        XCTAssertEqual(viaPointer, VnodeHash.hash(bytes: key))
    }

    func testSpreadIsBalanced() throws {
        // 64k sequential keys over 64 vnodes: each vnode within ±15% of the mean.
        let count = try VnodeCount(64)
        var buckets = [Int](repeating: 0, count: 64)
        for i in 0..<65_536 {
            let h = VnodeHash.hash(bytes: Array("key:\(i)".utf8))
            buckets[VnodeHash.vnode(ofHash: h, vnodeCount: count)] += 1
        }
        let mean = 65_536 / 64
        for (vnode, n) in buckets.enumerated() {
            XCTAssertLessThan(abs(n - mean), mean * 15 / 100, "vnode \(vnode) holds \(n)")
        }
    }

    func testVnodeCountValidation() {
        XCTAssertThrowsError(try VnodeCount(0))
        XCTAssertThrowsError(try VnodeCount(1000))
        XCTAssertThrowsError(try VnodeCount(VnodeCount.maximum * 2))
        XCTAssertEqual(try VnodeCount(1).value, 1)
        XCTAssertEqual(VnodeCount.default.value, 1024)
    }
}

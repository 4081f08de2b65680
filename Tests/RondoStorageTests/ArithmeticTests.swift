import NIOCore
import XCTest

@testable import RondoStorage

final class ArithmeticTests: XCTestCase {
    private func value(_ outcome: ArithmeticOutcome) -> UInt64? {
        if case .value(let value, _) = outcome { return value }
        return nil
    }

    func testIncrementAndDecrementStoreDecimalTextKeepingFlagsAndExpiry() throws {
        let (store, clock) = makeStore()
        let expiry = clock.nowSeconds() + 60
        _ = store.store(bytes("n"), value: bytes("10"), flags: 5, expiresAt: expiry, mode: .set)
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 95, increment: true)), 105)
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 6, increment: false)), 99)
        let view = try XCTUnwrap(store.get(bytes("n")))
        XCTAssertEqual(String(buffer: view.value), "99 ", "rewritten in place, padded to the old length")
        XCTAssertEqual(view.flags, 5)
        XCTAssertEqual(view.expiresAt, expiry)
        XCTAssertEqual(store.stats().bytes, accounted(key: "n", value: "99 "))
    }

    func testIncrementWrapsAt2To64AndDecrementStopsAtZero() {
        let (store, _) = makeStore()
        _ = store.store(bytes("n"), value: bytes("18446744073709551615"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 2, increment: true)), 1)
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 5, increment: false)), 0)
    }

    func testNonNumericValues() {
        let (store, _) = makeStore()
        for bad in ["abc", "", "-1", "12a", "18446744073709551616"] {
            _ = store.store(bytes("n"), value: bytes(bad), flags: 0, expiresAt: 0, mode: .set)
            XCTAssertEqual(store.arithmetic(bytes("n"), delta: 1, increment: true), .nonNumeric, bad)
        }
    }

    /// Observed on memcached 1.6.18: strtoull parsing, and in-place rewrite padded with spaces.
    func testParsesAndPadsLikeMemcached() throws {
        let (store, _) = makeStore()
        let cases: [(stored: String, result: UInt64, readBack: String)] = [
            (" 1", 2, "2 "),
            ("000000000000000000001", 2, "2                    "),
            ("12 34", 13, "13   "),
            ("7\t", 8, "8 "),
            ("1\r\n2", 2, "2   "),
            ("9", 10, "10"),
        ]
        for c in cases {
            _ = store.store(bytes("n"), value: bytes(c.stored), flags: 0, expiresAt: 0, mode: .set)
            XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 1, increment: true)), c.result, c.stored)
            XCTAssertEqual(String(buffer: try XCTUnwrap(store.get(bytes("n"))).value), c.readBack, c.stored)
        }
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 1, increment: false)), 9)
        XCTAssertEqual(String(buffer: try XCTUnwrap(store.get(bytes("n"))).value), "9 ")
    }

    func testMissingKeyAndAutoCreate() throws {
        let (store, clock) = makeStore()
        XCTAssertEqual(store.arithmetic(bytes("n"), delta: 1, increment: true), .notFound)
        let expiry = clock.nowSeconds() + 30
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 1, increment: true, autoCreate: (initial: 7, expiresAt: expiry))), 7)
        let view = try XCTUnwrap(store.get(bytes("n")))
        XCTAssertEqual(String(buffer: view.value), "7")
        XCTAssertEqual(view.expiresAt, expiry)
        XCTAssertEqual(value(store.arithmetic(bytes("n"), delta: 1, increment: true, autoCreate: (initial: 7, expiresAt: expiry))), 8)
    }

    func testCompareCASAndNewExpiry() throws {
        let (store, clock) = makeStore()
        let cas = try XCTUnwrap(store.store(bytes("n"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.arithmetic(bytes("n"), delta: 1, increment: true, compareCAS: cas + 1), .exists)
        XCTAssertEqual(store.arithmetic(bytes("missing"), delta: 1, increment: true, compareCAS: cas), .notFound)
        let expiry = clock.nowSeconds() + 9
        guard case .value(2, let newCAS) = store.arithmetic(bytes("n"), delta: 1, increment: true, compareCAS: cas, newExpiresAt: expiry)
        else { return XCTFail("incr with matching CAS failed") }
        XCTAssertGreaterThan(newCAS, cas)
        XCTAssertEqual(store.get(bytes("n"))?.expiresAt, expiry)
    }
}

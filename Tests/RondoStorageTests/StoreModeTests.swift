import NIOCore
import XCTest

@testable import RondoStorage

final class StoreModeTests: XCTestCase {
    func testSetThenGetReturnsValueFlagsExpiryAndCAS() throws {
        let (store, clock) = makeStore()
        let expiry = clock.nowSeconds() + 100
        let cas = try XCTUnwrap(store.store(bytes("k"), value: bytes("v"), flags: 42, expiresAt: expiry, mode: .set).cas)
        let view = try XCTUnwrap(store.get(bytes("k")))
        XCTAssertEqual(String(buffer: view.value), "v")
        XCTAssertEqual(view.flags, 42)
        XCTAssertEqual(view.expiresAt, expiry)
        XCTAssertEqual(view.cas, cas)
        XCTAssertFalse(view.isStale)
    }

    func testMissIsNil() {
        let (store, _) = makeStore()
        XCTAssertNil(store.get(bytes("nothing")))
    }

    func testAddOnlyWhenMissing() {
        let (store, _) = makeStore()
        XCTAssertNotNil(store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .add).cas)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("2"), flags: 0, expiresAt: 0, mode: .add), .notStored)
        XCTAssertEqual(text(store.get(bytes("k"))), "1")
    }

    func testReplaceOnlyWhenPresent() {
        let (store, _) = makeStore()
        XCTAssertEqual(store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .replace), .notStored)
        XCTAssertNil(store.get(bytes("k")))
        _ = store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set)
        XCTAssertNotNil(store.store(bytes("k"), value: bytes("2"), flags: 0, expiresAt: 0, mode: .replace).cas)
        XCTAssertEqual(text(store.get(bytes("k"))), "2")
    }

    func testAppendAndPrependKeepFlagsAndExpiryAndChangeCAS() throws {
        let (store, clock) = makeStore()
        let expiry = clock.nowSeconds() + 500
        let first = try XCTUnwrap(store.store(bytes("k"), value: bytes("mid"), flags: 7, expiresAt: expiry, mode: .set).cas)
        let second = try XCTUnwrap(store.store(bytes("k"), value: bytes(">"), flags: 99, expiresAt: 1, mode: .append).cas)
        let third = try XCTUnwrap(store.store(bytes("k"), value: bytes("<"), flags: 98, expiresAt: 2, mode: .prepend).cas)
        XCTAssertLessThan(first, second)
        XCTAssertLessThan(second, third)
        let view = try XCTUnwrap(store.get(bytes("k")))
        XCTAssertEqual(String(buffer: view.value), "<mid>")
        XCTAssertEqual(view.flags, 7)
        XCTAssertEqual(view.expiresAt, expiry)
        XCTAssertEqual(view.cas, third)
    }

    func testAppendAndPrependOnMissingKeyAreNotStored() {
        let (store, _) = makeStore()
        XCTAssertEqual(store.store(bytes("k"), value: bytes("x"), flags: 0, expiresAt: 0, mode: .append), .notStored)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("x"), flags: 0, expiresAt: 0, mode: .prepend), .notStored)
        XCTAssertEqual(store.stats().currentItems, 0)
    }

    func testCompareCASMatchMismatchAndMissing() throws {
        let (store, _) = makeStore()
        XCTAssertEqual(store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set, compareCAS: 5), .notFound)
        let cas = try XCTUnwrap(store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.store(bytes("k"), value: bytes("2"), flags: 0, expiresAt: 0, mode: .set, compareCAS: cas + 1), .exists)
        XCTAssertEqual(text(store.get(bytes("k"))), "1")
        let newCAS = try XCTUnwrap(store.store(bytes("k"), value: bytes("3"), flags: 0, expiresAt: 0, mode: .set, compareCAS: cas).cas)
        XCTAssertGreaterThan(newCAS, cas)
        XCTAssertEqual(text(store.get(bytes("k"))), "3")
    }

    func testEveryModificationGetsANewIncreasingCASButTouchDoesNot() throws {
        let (store, clock) = makeStore()
        let set = try XCTUnwrap(store.store(bytes("n"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set).cas)
        guard case .value(2, let incr) = store.arithmetic(bytes("n"), delta: 1, increment: true) else {
            return XCTFail("incr failed")
        }
        XCTAssertGreaterThan(incr, set)
        XCTAssertTrue(store.touch(bytes("n"), expiresAt: clock.nowSeconds() + 10))
        XCTAssertEqual(store.get(bytes("n"))?.cas, incr)
        XCTAssertFalse(store.touch(bytes("missing"), expiresAt: 0))
        let other = try XCTUnwrap(store.store(bytes("m"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertGreaterThan(other, incr)
    }

    func testDeleteWithAndWithoutCAS() throws {
        let (store, _) = makeStore()
        XCTAssertEqual(store.delete(bytes("k")), .notFound)
        let cas = try XCTUnwrap(store.store(bytes("k"), value: bytes("1"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.delete(bytes("k"), compareCAS: cas + 1), .exists)
        XCTAssertEqual(store.delete(bytes("k"), compareCAS: cas), .deleted)
        XCTAssertNil(store.get(bytes("k")))
        XCTAssertEqual(store.stats().bytes, 0)
    }

    func testInvalidateMarksStaleWithNewCASAndAStoreClearsIt() throws {
        let (store, _) = makeStore()
        let cas = try XCTUnwrap(store.store(bytes("k"), value: bytes("v"), flags: 3, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.delete(bytes("k"), invalidate: true), .deleted)
        let stale = try XCTUnwrap(store.get(bytes("k")))
        XCTAssertTrue(stale.isStale)
        XCTAssertGreaterThan(stale.cas, cas)
        XCTAssertEqual(String(buffer: stale.value), "v")
        XCTAssertNotNil(store.store(bytes("k"), value: bytes("w"), flags: 0, expiresAt: 0, mode: .set).cas)
        XCTAssertEqual(store.get(bytes("k"))?.isStale, false)
    }

    func testFetchedBeforeAndLastAccessReportTheStateBeforeThisAccess() throws {
        let (store, clock) = makeStore()
        let storedAt = clock.nowSeconds()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: 0, mode: .set)
        clock.advance(bySeconds: 10)
        let first = try XCTUnwrap(store.get(bytes("k")))
        XCTAssertFalse(first.fetchedBefore)
        XCTAssertEqual(first.lastAccess, storedAt)
        clock.advance(bySeconds: 5)
        let second = try XCTUnwrap(store.get(bytes("k")))
        XCTAssertTrue(second.fetchedBefore)
        XCTAssertEqual(second.lastAccess, storedAt + 10)
    }

    func testGetWithNewExpiryUpdatesIt() throws {
        let (store, clock) = makeStore()
        _ = store.store(bytes("k"), value: bytes("v"), flags: 0, expiresAt: clock.nowSeconds() + 5, mode: .set)
        let view = try XCTUnwrap(store.get(bytes("k"), newExpiresAt: clock.nowSeconds() + 100))
        XCTAssertEqual(view.expiresAt, clock.nowSeconds() + 100)
        clock.advance(bySeconds: 50)
        XCTAssertNotNil(store.get(bytes("k")))
    }

    func testStoredKeyAndValueDoNotShareTheCallersBuffer() {
        let (store, _) = makeStore()
        var receive = bytes("xxkeyvalueyy")
        let key = receive.getSlice(at: 2, length: 3)!
        let value = receive.getSlice(at: 5, length: 5)!
        _ = store.store(key, value: value, flags: 0, expiresAt: 0, mode: .set)
        receive.setString("ZZZZZZZZZZZZ", at: 0)
        XCTAssertEqual(text(store.get(bytes("key"))), "value")
    }
}

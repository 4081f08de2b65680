import Dispatch
import NIOCore
import XCTest

@testable import RondoStorage

final class ConcurrencyTests: XCTestCase {
    func testHammeringFromSeveralThreadsKeepsAccountingExact() {
        let (store, clock) = makeStore(memoryLimitBytes: 150 * 300, eviction: .lru, vnodeCount: 64, compressMinBytes: 100, shardCount: 8)
        let threads = 6
        let iterations = 4000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var random = SystemRandomNumberGenerator()
            for i in 0..<iterations {
                let key = bytes("key\(Int.random(in: 0..<400, using: &random))")
                switch Int.random(in: 0..<10, using: &random) {
                case 0...2:
                    _ = store.get(key)
                case 3...4:
                    let length = Int.random(in: 0..<400, using: &random)
                    _ = store.store(key, value: bytes(String(repeating: "x", count: length)), flags: 0, expiresAt: 0, mode: .set)
                case 5:
                    _ = store.store(key, value: bytes("ab"), flags: 0, expiresAt: 0, mode: .append)
                case 6:
                    _ = store.arithmetic(key, delta: 1, increment: true, autoCreate: (initial: 0, expiresAt: 0))
                case 7:
                    _ = store.delete(key, invalidate: Bool.random(using: &random))
                case 8:
                    _ = store.store(key, value: bytes("short"), flags: 0, expiresAt: clock.nowSeconds() + 1, mode: .add)
                default:
                    if thread == 0, i % 500 == 0 { clock.advance(bySeconds: 1) }
                    _ = store.sweepExpired(maxItems: 16)
                }
            }
        }
        assertConsistent(store)
        let stats = store.stats()
        XCTAssertGreaterThan(stats.totalItems, 0)
        XCTAssertGreaterThan(stats.currentItems, 0)
    }
}

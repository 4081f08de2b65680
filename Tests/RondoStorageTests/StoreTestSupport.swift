import NIOCore
import RondoCore
import XCTest

@testable import RondoStorage

func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func text(_ view: ItemView?) -> String? { view.map { String(buffer: $0.value) } }

/// The accounted size of an uncompressed item.
func accounted(key: String, value: String) -> Int {
    key.utf8.count + value.utf8.count + ItemStore.perItemOverheadBytes
}

/// A store on a manual clock; `vnodeCount: 1` puts every key in one shard (one LRU order).
/// Every access bumps LRU unless a test asks for memcached's throttled bumps.
func makeStore(
    memoryLimitBytes: Int = 64 << 20, eviction: EvictionPolicy = .none, maxItemBytes: Int = 1 << 20,
    vnodeCount: Int = 1024, compressMinBytes: Int? = nil, shardCount: Int = 32, lruBumpIntervalSeconds: Int64 = 0
) -> (ItemStore, ManualClock) {
    let clock = ManualClock()
    let configuration = StoreConfiguration(
        memoryLimitBytes: memoryLimitBytes, eviction: eviction, maxItemBytes: maxItemBytes,
        vnodeCount: try! VnodeCount(vnodeCount), compressMinBytes: compressMinBytes, shardCount: shardCount,
        lruBumpIntervalSeconds: lruBumpIntervalSeconds)
    return (ItemStore(configuration: configuration, clock: clock), clock)
}

/// Asserts that the indexes, LRU lists, counters and memory budget agree.
func assertConsistent(_ store: ItemStore, file: StaticString = #filePath, line: UInt = #line) {
    let audit = store.audit()
    let stats = store.stats()
    XCTAssertEqual(audit.misplacedItems, 0, "misplaced items", file: file, line: line)
    XCTAssertEqual(audit.indexedItems, audit.countedItems, "index vs count", file: file, line: line)
    XCTAssertEqual(audit.lruItems, audit.countedItems, "LRU vs count", file: file, line: line)
    XCTAssertEqual(stats.currentItems, audit.countedItems, "stats vs count", file: file, line: line)
    XCTAssertEqual(stats.bytes, audit.accountedBytes, "budget vs items", file: file, line: line)
    XCTAssertLessThanOrEqual(stats.bytes, stats.limitBytes, file: file, line: line)
}

extension StoreOutcome {
    var cas: UInt64? {
        if case .stored(let cas) = self { return cas }
        return nil
    }
}

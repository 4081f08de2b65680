import Benchmark
import NIOCore
import RondoCore
import RondoStorage

/// Item store hot paths. Allocation counts are the figure to watch (stable on a noisy machine):
/// a get hit should allocate nothing, a set one buffer for key + value.
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.mallocCountTotal, .wallClock, .throughput]
    let configuration = Benchmark.Configuration(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))
    let keyCount = 10_000

    func keys(prefix: String) -> [ByteBuffer] {
        (0..<keyCount).map { ByteBuffer(string: "\(prefix):\($0)") }
    }

    func filledStore(compressMinBytes: Int? = nil, valueBytes: Int = 100) -> (ItemStore, [ByteBuffer]) {
        let store = ItemStore(
            configuration: StoreConfiguration(memoryLimitBytes: 256 << 20, eviction: .lru, compressMinBytes: compressMinBytes),
            clock: ManualClock())
        let stored = keys(prefix: "user")
        let value = ByteBuffer(repeating: UInt8(ascii: "v"), count: valueBytes)
        for key in stored {
            _ = store.store(key, value: value, flags: 0, expiresAt: 0, mode: .set)
        }
        return (store, stored)
    }

    // Stores are built once, outside the measured closures: a store built inside one would also be
    // torn down inside it, and freeing 10,000 items would swamp the 1,000 measured operations.
    let (store, stored) = filledStore()
    let missing = keys(prefix: "absent")
    let (compressedStore, compressedKeys) = filledStore(compressMinBytes: 256, valueBytes: 4096)
    let overwrite = ByteBuffer(repeating: UInt8(ascii: "w"), count: 100)

    Benchmark("get hit", configuration: configuration) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(store.get(stored[i % keyCount]))
        }
    }

    Benchmark("get miss", configuration: configuration) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(store.get(missing[i % keyCount]))
        }
    }

    Benchmark("set (overwrite, 100-byte value)", configuration: configuration) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(store.store(stored[i % keyCount], value: overwrite, flags: 0, expiresAt: 0, mode: .set))
        }
    }

    Benchmark("get hit (LZ4-compressed 4 KiB value)", configuration: configuration) { benchmark in
        for i in benchmark.scaledIterations {
            blackHole(compressedStore.get(compressedKeys[i % keyCount]))
        }
    }
}

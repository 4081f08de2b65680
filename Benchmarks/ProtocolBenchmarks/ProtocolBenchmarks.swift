import Benchmark
import NIOCore
import RondoCore
import RondoEngine
import RondoProtocol
import RondoStorage

/// The request path without sockets: bytes in → decoder → engine → store → reply bytes out.
/// "get hit end to end" is the figure the node issue bounds (≤ 2 allocations; aim 0).
let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.mallocCountTotal, .wallClock, .throughput]
    let configuration = Benchmark.Configuration(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(2))
    let keyCount = 10_000

    let clock = ManualClock()
    let store = ItemStore(configuration: StoreConfiguration(memoryLimitBytes: 256 << 20, eviction: .lru), clock: clock)
    let engine = CommandEngine(store: store, clock: clock, settings: EngineSettings(), counters: NodeCounters())
    let value = ByteBuffer(repeating: UInt8(ascii: "v"), count: 100)
    for i in 0..<keyCount {
        _ = store.store(ByteBuffer(string: "user:\(i)"), value: value, flags: 0, expiresAt: 0, mode: .set)
    }
    // Requests are encoded once; each iteration decodes a fresh view of the same bytes, as a
    // connection decodes slices of its receive buffer.
    let getLines = (0..<keyCount).map { ByteBuffer(string: "get user:\($0)\r\n") }
    let setLines = (0..<keyCount).map { ByteBuffer(string: "set user:\($0) 0 0 100\r\n" + String(repeating: "w", count: 100) + "\r\n") }
    let multiGetLines = (0..<keyCount).map { i in
        ByteBuffer(string: "get " + (0..<10).map { "user:\((i + $0) % keyCount)" }.joined(separator: " ") + "\r\n")
    }

    /// Decodes every request in `input` and executes it; the output buffer is reused, as a
    /// connection reuses its capacity between bursts.
    func serve(_ input: ByteBuffer, decoder: inout MemcachedRequestDecoder, out: inout ByteBuffer) throws {
        var buffer = input
        while let request = try decoder.decode(buffer: &buffer) {
            _ = engine.execute(request, into: &out)
        }
    }

    Benchmark("decode get", configuration: configuration) { benchmark in
        var decoder = MemcachedRequestDecoder(limits: ProtocolLimits())
        for i in benchmark.scaledIterations {
            var buffer = getLines[i % keyCount]
            blackHole(try decoder.decode(buffer: &buffer))
        }
    }

    /// One request list served end to end, one request per iteration: what differs between the
    /// end-to-end benchmarks is only the requests.
    func endToEnd(_ name: String, _ lines: [ByteBuffer]) {
        Benchmark(name, configuration: configuration) { benchmark in
            var decoder = MemcachedRequestDecoder(limits: ProtocolLimits())
            var out = ByteBufferAllocator().buffer(capacity: 4096)
            for i in benchmark.scaledIterations {
                out.clear()
                try serve(lines[i % keyCount], decoder: &decoder, out: &out)
                blackHole(out.readableBytes)
            }
        }
    }

    endToEnd("get hit end to end", getLines)
    endToEnd("10-key get end to end", multiGetLines)
    endToEnd("set end to end (100-byte value)", setLines)
}

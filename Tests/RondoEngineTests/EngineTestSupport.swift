import NIOCore
import RondoCore
import RondoEngine
import RondoProtocol
import RondoStorage
import XCTest

/// An engine over a fresh store and a manual clock, driven by wire text.
struct EngineHarness {
    let clock = ManualClock(startingAt: 1_700_000_000)
    let engine: CommandEngine
    let counters = NodeCounters()
    var limits = ProtocolLimits()

    init(maxItemBytes: Int = 1 << 20, memoryLimitBytes: Int = 64 << 20, eviction: EvictionPolicy = .lru) {
        let store = ItemStore(
            configuration: StoreConfiguration(memoryLimitBytes: memoryLimitBytes, eviction: eviction, maxItemBytes: maxItemBytes),
            clock: clock)
        engine = CommandEngine(
            store: store, clock: clock,
            settings: EngineSettings(maxItemBytes: maxItemBytes, memoryLimitBytes: memoryLimitBytes, eviction: eviction),
            counters: counters)
    }

    /// Decodes `input` and executes every request; returns all replies as text.
    func run(_ input: String) throws -> String {
        var decoder = MemcachedRequestDecoder(limits: limits)
        var buffer = ByteBuffer(string: input)
        var out = ByteBuffer()
        while let request = try decoder.decode(buffer: &buffer) {
            // `quit` ends the connection: nothing after it is read.
            guard engine.execute(request, into: &out) == .continue else { break }
        }
        return String(buffer: out)
    }

    /// The value of one general `stats` line.
    func stat(_ name: String) throws -> String? {
        let reply = try run("stats\r\n")
        for line in reply.split(separator: "\r\n") {
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[1] == name { return String(parts[2]) }
        }
        return nil
    }
}

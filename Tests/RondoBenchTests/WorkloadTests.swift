import NIOCore
import Testing

@testable import RondoBench

@Suite struct WorkloadTests {
    @Test func requestsAreEncodedAsClassicTextCommands() {
        let encoder = MemcachedRequestEncoder(keyPrefix: "key:", valueSizeBytes: 3)
        var buffer = ByteBuffer()
        encoder.encode(BenchOperation(kind: .get, keyIndex: 0), into: &buffer)
        encoder.encode(BenchOperation(kind: .set, keyIndex: 1_234_567), into: &buffer)
        #expect(String(buffer: buffer) == "get key:0\r\nset key:1234567 0 0 3\r\nabc\r\n")
    }

    @Test func prefillWritesEveryKeyExactlyOnce() {
        var written: [Int] = []
        for connection in 0..<3 {
            var workload = PrefillWorkload(connectionIndex: connection, connectionCount: 3, keyCount: 10)
            while let operation = workload.nextOperation() {
                #expect(operation.kind == .set)
                written.append(operation.keyIndex)
            }
        }
        #expect(written.sorted() == Array(0..<10))
    }

    @Test func mixedWorkloadFollowsTheGetRatio() {
        var workload = MixedWorkload(getRatio: 0.9, sampler: KeySampler(keyCount: 100, distribution: .uniform), seed: 42)
        var gets = 0
        for _ in 0..<100_000 where workload.nextOperation()?.kind == .get {
            gets += 1
        }
        #expect((89_000...91_000).contains(gets))

        var allGets = MixedWorkload(getRatio: 1, sampler: KeySampler(keyCount: 1, distribution: .uniform), seed: 1)
        var allSets = MixedWorkload(getRatio: 0, sampler: KeySampler(keyCount: 1, distribution: .uniform), seed: 1)
        for _ in 0..<1_000 {
            #expect(allGets.nextOperation()?.kind == .get)
            #expect(allSets.nextOperation()?.kind == .set)
        }
    }

    @Test func connectionSeedsDiffer() {
        let seeds = Set((0..<1_000).map { BenchRunner.connectionSeed(1, index: $0) })
        #expect(seeds.count == 1_000)
    }
}

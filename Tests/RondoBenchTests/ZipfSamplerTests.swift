import RondoCore
import Foundation
import Testing

@testable import RondoBench

@Suite struct ZipfSamplerTests {
    private func histogram(count: Int, exponent: Double, samples: Int, seed: UInt64 = 7) -> [Int] {
        let sampler = ZipfSampler(count: count, exponent: exponent)
        var generator = SplitMix64(seed: seed)
        var counts = [Int](repeating: 0, count: count + 1)
        for _ in 0..<samples {
            counts[sampler.sample(using: &generator)] += 1
        }
        return counts
    }

    @Test(arguments: [0.5, 0.99, 1.0, 1.5, 3.0])
    func ranksStayInBoundsAndFollowTheLaw(exponent: Double) {
        let count = 1_000
        let samples = 200_000
        let counts = histogram(count: count, exponent: exponent, samples: samples)
        #expect(counts[0] == 0, "rank 0 does not exist")
        #expect(counts.reduce(0, +) == samples, "every sample lands in 1...count")
        let normalizer = (1...count).reduce(0.0) { $0 + pow(Double($1), -exponent) }
        for rank in [1, 2, 10] {
            let expected = pow(Double(rank), -exponent) / normalizer
            let observed = Double(counts[rank]) / Double(samples)
            #expect(abs(observed - expected) < 0.1 * expected + 0.002, "rank \(rank): observed \(observed), expected \(expected)")
        }
    }

    @Test func hotKeysAreHotterThanColdOnes() {
        let counts = histogram(count: 100_000, exponent: 0.99, samples: 100_000)
        #expect(counts[1] > counts[2])
        #expect(counts[2] > counts[100])
        let top100 = counts[1...100].reduce(0, +)
        // With s = 0.99 over 100 000 keys, the hottest 0.1% of keys draw about 40% of the load.
        #expect(top100 > 30_000)
    }

    @Test func aSingleKeyAlwaysGetsRankOne() {
        let counts = histogram(count: 1, exponent: 0.99, samples: 1_000)
        #expect(counts[1] == 1_000)
    }

    @Test func theSameSeedRepeatsTheSequence() {
        #expect(histogram(count: 500, exponent: 0.99, samples: 1_000, seed: 3) == histogram(count: 500, exponent: 0.99, samples: 1_000, seed: 3))
    }

    @Test func uniformKeysCoverTheRange() {
        let sampler = KeySampler(keyCount: 10, distribution: .uniform)
        var generator = SplitMix64(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<1_000 {
            let index = sampler.nextKeyIndex(using: &generator)
            #expect((0..<10).contains(index))
            seen.insert(index)
        }
        #expect(seen.count == 10)
    }

    @Test func zipfKeyIndicesStartAtZero() {
        let sampler = KeySampler(keyCount: 10, distribution: .zipf(exponent: 0.99))
        var generator = SplitMix64(seed: 1)
        let indices = (0..<1_000).map { _ in sampler.nextKeyIndex(using: &generator) }
        #expect(indices.allSatisfy { (0..<10).contains($0) })
        #expect(indices.contains(0))
    }
}

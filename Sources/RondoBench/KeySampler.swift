import RondoCore

/// Picks key indices in 0..<keyCount following the configured distribution.
public struct KeySampler: Sendable {
    private enum Strategy: Sendable {
        case uniform(count: UInt64)
        case zipf(ZipfSampler)
    }

    private let strategy: Strategy

    public init(keyCount: Int, distribution: KeyDistribution) {
        switch distribution {
        case .uniform:
            strategy = .uniform(count: UInt64(keyCount))
        case .zipf(let exponent):
            strategy = .zipf(ZipfSampler(count: keyCount, exponent: exponent))
        }
    }

    public func nextKeyIndex(using generator: inout SplitMix64) -> Int {
        switch strategy {
        case .uniform(let count):
            return Int(generator.next(upperBound: count))
        case .zipf(let sampler):
            // Rank 1 is the hottest; key 0 gets it, so the hot keys are easy to spot in a dump.
            return sampler.sample(using: &generator) - 1
        }
    }
}

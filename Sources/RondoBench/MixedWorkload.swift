import RondoCore

/// The measured load: gets and sets in the configured ratio over the configured key distribution.
public struct MixedWorkload: OperationSource, Sendable {
    private var generator: SplitMix64
    private let sampler: KeySampler
    /// `getRatio` scaled to the generator's range, so choosing get or set is one integer compare.
    private let getThreshold: UInt64

    public init(getRatio: Double, sampler: KeySampler, seed: UInt64) {
        generator = SplitMix64(seed: seed)
        self.sampler = sampler
        getThreshold = getRatio >= 1 ? .max : UInt64(getRatio * 0x1.0p64)
    }

    public mutating func nextOperation() -> BenchOperation? {
        let isGet = getThreshold == .max || generator.next() < getThreshold
        return BenchOperation(kind: isGet ? .get : .set, keyIndex: sampler.nextKeyIndex(using: &generator))
    }
}

/// The load of one verifying worker: the configured get/set mix over the keys the worker owns
/// (`w, w+W, w+2W, …`, see `VerifyLedger`), with the configured distribution over them.
public struct PartitionedWorkload: OperationSource, Sendable {
    private var workload: MixedWorkload
    private let workerIndex: Int
    private let workerCount: Int

    public init(getRatio: Double, distribution: KeyDistribution, ownedKeyCount: Int, workerIndex: Int, workerCount: Int, seed: UInt64) {
        workload = MixedWorkload(
            getRatio: getRatio, sampler: KeySampler(keyCount: max(1, ownedKeyCount), distribution: distribution), seed: seed)
        self.workerIndex = workerIndex
        self.workerCount = workerCount
    }

    public mutating func nextOperation() -> BenchOperation? {
        guard var operation = workload.nextOperation() else { return nil }
        operation.keyIndex = operation.keyIndex * workerCount + workerIndex
        return operation
    }
}

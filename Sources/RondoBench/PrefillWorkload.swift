/// Sets every key once before the measured run so gets hit. Connection `i` of `n` writes the keys
/// `i, i+n, i+2n, …`, so the connections share the work without sharing state.
public struct PrefillWorkload: OperationSource, Sendable {
    private var nextKeyIndex: Int
    private let stride: Int
    private let keyCount: Int

    public init(connectionIndex: Int, connectionCount: Int, keyCount: Int) {
        nextKeyIndex = connectionIndex
        stride = connectionCount
        self.keyCount = keyCount
    }

    public mutating func nextOperation() -> BenchOperation? {
        guard nextKeyIndex < keyCount else { return nil }
        defer { nextKeyIndex += stride }
        return BenchOperation(kind: .set, keyIndex: nextKeyIndex)
    }
}

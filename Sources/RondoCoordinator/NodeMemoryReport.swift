/// A node's memory as it reports it in heartbeats: its configured limit and what it uses.
public struct NodeMemoryReport: Sendable, Hashable {
    public var limitBytes: UInt64
    public var usedBytes: UInt64

    public init(limitBytes: UInt64, usedBytes: UInt64) {
        self.limitBytes = limitBytes
        self.usedBytes = usedBytes
    }

    public var freeBytes: UInt64 { limitBytes > usedBytes ? limitBytes - usedBytes : 0 }
}

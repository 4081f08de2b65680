import RondoCore

/// The measured load of one connection of a routing-aware run: the same get/set mix and key
/// distribution as `MixedWorkload`, restricted to keys whose vnode's primary is the member this
/// connection talks to, so every request goes straight to its owner. Keys are drawn from the
/// underlying workload and skipped while owned elsewhere (bounded: after `drawsMax` draws the
/// last one is sent anyway and the node forwards it), so the overall key distribution is unchanged.
public struct RoutedWorkload: OperationSource, Sendable {
    static let drawsMax = 64

    private var workload: MixedWorkload
    private let table: RoutingTableBox
    private let memberID: String
    private let keyPrefix: [UInt8]
    /// Scratch space for the key bytes: reused, so drawing allocates nothing.
    private var keyBytes: [UInt8]
    private var cachedSnapshot: RoutingTableSnapshot?
    private var cachedNodeIndex: Int?

    public init(workload: MixedWorkload, table: RoutingTableBox, memberID: String, keyPrefix: String) {
        self.workload = workload
        self.table = table
        self.memberID = memberID
        self.keyPrefix = Array(keyPrefix.utf8)
        keyBytes = self.keyPrefix
        keyBytes.reserveCapacity(self.keyPrefix.count + 20)
    }

    public mutating func nextOperation() -> BenchOperation? {
        let snapshot = table.snapshot
        if snapshot !== cachedSnapshot {
            cachedSnapshot = snapshot
            cachedNodeIndex = snapshot.nodeIndex(ofMember: memberID)
        }
        // A member that left the table owns nothing: its connection sends whatever it draws.
        guard let nodeIndex = cachedNodeIndex else { return workload.nextOperation() }
        var operation = workload.nextOperation()
        for _ in 1..<Self.drawsMax {
            guard let candidate = operation, primary(of: candidate.keyIndex, in: snapshot) != nodeIndex else { break }
            operation = workload.nextOperation()
        }
        return operation
    }

    private mutating func primary(of keyIndex: Int, in snapshot: RoutingTableSnapshot) -> Int {
        keyBytes.removeSubrange(keyPrefix.count...)
        appendDecimal(keyIndex, to: &keyBytes)
        return keyBytes.withUnsafeBytes { snapshot.primaryIndex(ofKey: $0) }
    }

    /// The same digits `MemcachedRequestEncoder` writes after the prefix.
    private func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        var remaining = value
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(remaining % 10))
            remaining /= 10
        } while remaining > 0
        bytes[start...].reverse()
    }
}

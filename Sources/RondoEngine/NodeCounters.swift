import Synchronization

/// The node's memcached statistics counters, shared by every connection. Relaxed atomics: each
/// counter is independent and `stats` needs no consistent snapshot across them.
public final class NodeCounters: Sendable {
    let cmdGet = Atomic<Int>(0)
    let cmdSet = Atomic<Int>(0)
    let cmdFlush = Atomic<Int>(0)
    let cmdTouch = Atomic<Int>(0)
    let cmdMeta = Atomic<Int>(0)
    let getHits = Atomic<Int>(0)
    let getMisses = Atomic<Int>(0)
    let deleteHits = Atomic<Int>(0)
    let deleteMisses = Atomic<Int>(0)
    let incrHits = Atomic<Int>(0)
    let incrMisses = Atomic<Int>(0)
    let decrHits = Atomic<Int>(0)
    let decrMisses = Atomic<Int>(0)
    let casHits = Atomic<Int>(0)
    let casMisses = Atomic<Int>(0)
    let casBadval = Atomic<Int>(0)
    let touchHits = Atomic<Int>(0)
    let touchMisses = Atomic<Int>(0)
    let storeTooLarge = Atomic<Int>(0)
    let storeNoMemory = Atomic<Int>(0)
    let bytesRead = Atomic<Int>(0)
    let bytesWritten = Atomic<Int>(0)
    let currentConnections = Atomic<Int>(0)
    let totalConnections = Atomic<Int>(0)
    let rejectedConnections = Atomic<Int>(0)

    public init() {}

    public func connectionOpened() {
        currentConnections.add(1, ordering: .relaxed)
        totalConnections.add(1, ordering: .relaxed)
    }

    public func connectionClosed() {
        currentConnections.subtract(1, ordering: .relaxed)
    }

    /// A connection refused because the node is at its connection limit.
    public func connectionRejected() {
        rejectedConnections.add(1, ordering: .relaxed)
    }

    public func addBytesRead(_ count: Int) { bytesRead.add(count, ordering: .relaxed) }
    public func addBytesWritten(_ count: Int) { bytesWritten.add(count, ordering: .relaxed) }

    public var currentConnectionCount: Int { currentConnections.load(ordering: .relaxed) }

    /// `stats reset`: everything but the gauge of open connections, as memcached does.
    func reset() {
        cmdGet.store(0, ordering: .relaxed)
        cmdSet.store(0, ordering: .relaxed)
        cmdFlush.store(0, ordering: .relaxed)
        cmdTouch.store(0, ordering: .relaxed)
        cmdMeta.store(0, ordering: .relaxed)
        getHits.store(0, ordering: .relaxed)
        getMisses.store(0, ordering: .relaxed)
        deleteHits.store(0, ordering: .relaxed)
        deleteMisses.store(0, ordering: .relaxed)
        incrHits.store(0, ordering: .relaxed)
        incrMisses.store(0, ordering: .relaxed)
        decrHits.store(0, ordering: .relaxed)
        decrMisses.store(0, ordering: .relaxed)
        casHits.store(0, ordering: .relaxed)
        casMisses.store(0, ordering: .relaxed)
        casBadval.store(0, ordering: .relaxed)
        touchHits.store(0, ordering: .relaxed)
        touchMisses.store(0, ordering: .relaxed)
        storeTooLarge.store(0, ordering: .relaxed)
        storeNoMemory.store(0, ordering: .relaxed)
        bytesRead.store(0, ordering: .relaxed)
        bytesWritten.store(0, ordering: .relaxed)
        totalConnections.store(0, ordering: .relaxed)
        rejectedConnections.store(0, ordering: .relaxed)
    }
}

extension Atomic where Value == Int {
    /// Counting shorthand: every counter is independent, so relaxed ordering suffices.
    @inline(__always)
    func bump() { add(1, ordering: .relaxed) }

    @inline(__always)
    var current: Int { load(ordering: .relaxed) }
}

import RondoRing

/// One vnode copy a node sends: the source side's unit of scheduling.
public struct ScheduledTransfer: Sendable, Hashable, CustomStringConvertible {
    public var vnode: Int
    public var target: MemberID

    public init(vnode: Int, target: MemberID) {
        self.vnode = vnode
        self.target = target
    }

    public var description: String { "vnode \(vnode) → \(target)" }
}

/// Why the scheduler refused a transfer.
public enum TransferSchedulerError: Error, Sendable, Equatable {
    case queueFull(limit: Int)
}

/// Runs at most `concurrency` outgoing transfers of a node at once (`transferConcurrency`,
/// changeable at run time), the rest waiting in a bounded FIFO queue. Asking twice for the same
/// transfer is harmless. Lowering the concurrency stops no running transfer: new ones start only
/// once the running count is below the new limit.
public struct TransferScheduler: Sendable {
    public static let concurrencyMax = 64

    public private(set) var concurrency: Int
    public let queuedMax: Int
    public private(set) var running: Set<ScheduledTransfer> = []
    public private(set) var queued: [ScheduledTransfer] = []

    public init(concurrency: Int, queuedMax: Int = 4096) {
        precondition(concurrency >= 1 && concurrency <= Self.concurrencyMax && queuedMax >= 0)
        self.concurrency = concurrency
        self.queuedMax = queuedMax
    }

    /// Returns the transfers to start now.
    public mutating func request(_ transfer: ScheduledTransfer) throws(TransferSchedulerError) -> [ScheduledTransfer] {
        guard !running.contains(transfer), !queued.contains(transfer) else { return [] }
        guard queued.count < queuedMax || running.count < concurrency else { throw .queueFull(limit: queuedMax) }
        queued.append(transfer)
        return startWhatFits()
    }

    /// A transfer ended (done, failed or cancelled); returns the transfers to start now.
    public mutating func finished(_ transfer: ScheduledTransfer) -> [ScheduledTransfer] {
        running.remove(transfer)
        queued.removeAll { $0 == transfer }
        return startWhatFits()
    }

    public mutating func setConcurrency(_ limit: Int) -> [ScheduledTransfer] {
        precondition(limit >= 1 && limit <= Self.concurrencyMax)
        concurrency = limit
        return startWhatFits()
    }

    private mutating func startWhatFits() -> [ScheduledTransfer] {
        var started: [ScheduledTransfer] = []
        while running.count < concurrency, !queued.isEmpty {
            let next = queued.removeFirst()
            running.insert(next)
            started.append(next)
        }
        return started
    }
}

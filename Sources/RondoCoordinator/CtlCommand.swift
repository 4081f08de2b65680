import RondoCore

/// An operator's request (`rondo ctl ...`).
public enum CtlCommand: Sendable, Hashable {
    case join(NodeID)
    case release(NodeID)
    case leave(NodeID)
    case status
    case nodes
    case ring
    case setTransferLimits(concurrencyPerNode: Int, bytesPerSecond: UInt64)
}

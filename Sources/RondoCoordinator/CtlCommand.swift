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
    /// Every step of the upgrade, before anything moves.
    case upgradePlan(UpgradeRequest)
    /// Plans and runs the upgrade.
    case upgradeStart(UpgradeRequest)
    case upgradeStatus
    /// Stops advancing to the next step (the running step's copies go on).
    case upgradePause
    case upgradeResume
    /// Stops after the current step, with every node back in the cluster.
    case upgradeAbort
    /// Before finalize: back to each node's original version by the same procedure.
    case upgradeRollback(binaryPath: String?)
    /// Raises the cluster's finalized version to the version every member runs.
    case upgradeFinalize
}

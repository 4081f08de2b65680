import RondoCore
import RondoPeer

/// Why an upgrade command (other than the plan itself) was refused.
public enum UpgradeCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    case noUpgrade
    case inProgress(step: UpgradeStep, batch: Int)
    case notPaused
    case alreadyPaused(String)
    case alreadyStopping
    case finished(UpgradeRun.Outcome)
    case rollbackAfterFinalize(finalized: SemanticVersion)
    case stateUnreadable(UpgradeStateDecodeError)
    case membersOnOtherVersions([String])
    case alreadyFinalized(SemanticVersion)
    case noMembers
    case activeVersion(String)

    public var description: String {
        switch self {
        case .noUpgrade: return "no upgrade has been started"
        case .inProgress(let step, let batch): return "an upgrade is running (batch \(batch), \(step)): pause, abort or wait for it"
        case .notPaused: return "the upgrade is not paused"
        case .alreadyPaused(let reason): return "the upgrade is already paused: \(reason)"
        case .alreadyStopping: return "the upgrade is already stopping after its current step"
        case .finished(let outcome): return "the upgrade is over (\(outcome))"
        case .rollbackAfterFinalize(let finalized):
            return "the cluster is finalized at \(finalized): nodes of the old version would be refused, so a rollback is no longer possible"
        case .stateUnreadable(let error): return "the persisted upgrade state cannot be read (\(error)); it is kept untouched"
        case .membersOnOtherVersions(let members):
            return "members run different versions (\(members.joined(separator: ", "))): upgrade every member before finalize"
        case .alreadyFinalized(let version): return "the cluster is already finalized at \(version)"
        case .noMembers: return "the cluster has no members to finalize"
        case .activeVersion(let detail): return "finalize refused: \(detail)"
        }
    }
}

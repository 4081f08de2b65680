import RondoCore
import RondoPeer
import RondoRing

/// The control plane as a pure state machine: membership, failure detection, promotion,
/// re-replication, migrations and persistence. Each event is a `mutating` method that takes the
/// current time and returns the actions the caller performs (etcd-raft style: the caller owns
/// the network, the disk and the clock). Nothing here blocks, sleeps or does I/O.
///
/// Migrations run copy → switch → drop: receivers get a copy while the old replicas keep
/// serving; the target table is published (epoch bump) only when every replica it lists holds
/// a copy; old holders drop theirs only after every live member acknowledged that epoch.
public struct Coordinator: Sendable {
    /// Where the coordinator is in its life. A restarted coordinator starts `recovering` and
    /// becomes `serving` with `restarted(persisted:...)`; events before that are refused.
    private enum Phase: Sendable {
        case recovering
        case serving
    }

    public let configuration: CoordinatorConfiguration
    public internal(set) var state: CoordinatorState
    private var phase: Phase
    /// The rolling upgrade, decoded from `state.upgrade`; `run` writes it back into the slot
    /// whenever an event changed it, so it is persisted with the rest.
    public internal(set) var upgradeRun: UpgradeRun?
    /// Set when the persisted upgrade bytes could not be read: they are kept untouched and
    /// upgrade commands that would overwrite them are refused.
    public internal(set) var upgradeStateError: UpgradeStateDecodeError?
    /// Nodes whose restart order may have been lost with a previous coordinator process: they
    /// get it again when they reconnect on a version the upgrade does not accept yet.
    var restartOrdersToResend: Set<NodeID> = []
    /// The active features and finalized version the last full table push carried; `run` pushes
    /// the table again when they change (`announceActiveVersionIfChanged`).
    var announcedActiveVersion: ActiveVersionAnnouncement

    /// A new cluster: no members, no table until the first `join`.
    public init(configuration: CoordinatorConfiguration, clusterName: String, vnodeCount: VnodeCount, replicaCount: Int) {
        precondition((1...RingLimits.replicaCountMax).contains(replicaCount), "replica count out of range")
        self.configuration = configuration
        self.state = CoordinatorState(clusterName: clusterName, vnodeCount: vnodeCount, replicaCount: replicaCount)
        self.phase = .serving
        self.announcedActiveVersion = ActiveVersionAnnouncement(features: [], finalizedVersion: nil)
    }

    /// A coordinator that resumes from a persisted state: call `restarted(...)` first.
    public init(recoveringWith configuration: CoordinatorConfiguration, persisted: CoordinatorState) {
        self.configuration = configuration
        self.state = persisted
        self.phase = .recovering
        self.announcedActiveVersion = ActiveVersionAnnouncement(state: persisted)
        if let slot = persisted.upgrade {
            do { self.upgradeRun = try UpgradeRun(decoding: slot) } catch { self.upgradeStateError = error }
        }
        // Timings only: unreadable ones (a newer format after a coordinator rollback) are left
        // out, and the run goes on without its earlier batches' timings.
        if let slot = persisted.upgradeHistory, let history = try? UpgradeRun.history(decoding: slot) { self.upgradeRun?.history = history }
    }

    /// Runs one event: collects its actions, prepends `.persist` when anything durable changed
    /// (so the runtime writes before it acts), and checks the invariants when configured to.
    mutating func run(
        _ event: String, _ body: (inout Coordinator, inout [CoordinatorAction]) -> Void
    ) -> [CoordinatorAction] {
        guard phase == .serving else {
            return [.log(.warning, "\(event) ignored: the coordinator has not recovered its state yet")]
        }
        let before = state.durable
        let upgradeBefore = upgradeRun
        var actions: [CoordinatorAction] = []
        body(&self, &actions)
        announceActiveVersionIfChanged(&actions)
        if upgradeRun != upgradeBefore {
            state.upgrade = upgradeRun?.slot
            // Most events change the run (acks, returns) but not its timings: not encoded again then.
            if upgradeRun?.history != upgradeBefore?.history { state.upgradeHistory = upgradeRun?.historySlot }
        }
        if state.durable != before { actions.insert(.persist(state), at: 0) }
        if configuration.checksInvariants {
            let tablesChanged = state.table != before.table || state.target != before.target
            do { try state.checkInvariants(validatingTables: tablesChanged) } catch { preconditionFailure("after \(event): \(error)") }
        }
        return actions
    }

    mutating func markServing() { phase = .serving }
    var isRecovering: Bool { phase == .recovering }

    func isLive(_ member: MemberID) -> Bool {
        state.record(of: member)?.state.isLive ?? false
    }
}

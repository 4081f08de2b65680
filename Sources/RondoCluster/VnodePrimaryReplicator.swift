import NIOCore
import RondoCore
import RondoPeer
import RondoRing

/// The primary's side of one vnode's replication: numbers each write's resulting state, keeps a
/// bounded log, sends entries to the replicas in batches within a window, resends what was not
/// acknowledged, and completes or fails each write per the `WriteAckPolicy` within a bounded time.
///
/// Guarantees: sequence numbers are consecutive from `startingSequence + 1`; a write completes only
/// once the secondaries listed in its completion acknowledged a sequence at or above its own (so
/// each holds it); every write completes or fails within `writeTimeoutMilliseconds` of the first
/// `tick` past it; pending writes never exceed `pendingWritesMax`.
///
/// Events come from one thread (the vnode's event loop): `write` after the engine executed a
/// write, `flush` after a burst of writes, `receiveAck`, `tick` periodically, `updateReplicas` on
/// every new table, `beginTransfer` when a transfer to a member starts.
public struct VnodePrimaryReplicator: Sendable {
    private enum State {
        case serving
        /// No longer primary: every write is refused; pending ones were failed.
        case resigned
    }

    private struct PendingWrite {
        var id: WriteID
        var sequence: UInt64
        var startedAt: ClusterInstant
    }

    public let vnode: Int
    public private(set) var configuration: ReplicationConfiguration
    private var state = State.serving
    private var log: ReplicationLog
    private var replicas: [MemberID: ReplicaProgress] = [:]
    /// Ascending by sequence.
    private var pendingWrites: [PendingWrite] = []
    private var placedReplicaCount = 1
    /// The sequence of the last write completed (writes complete in sequence order).
    private var completedThrough: UInt64 = 0
    /// `updateReplicas` ran once. The first list is the caller's to qualify: its members start
    /// as empty replicas, and the node resets those whose copy it cannot know (`connectionReset`).
    private var hasReplicaList = false

    /// `startingSequence`: the vnode's sequence this node holds when it becomes primary (0 for a
    /// new vnode; a promoted replica's applied sequence).
    /// Sets how the batches sent from now on carry their items (retransmits included). The node
    /// changes it when the cluster's feature gate for LZ4 batches opens; replicas decode both.
    public mutating func setBatchCompression(_ compression: ItemsCompression) {
        configuration.batchCompression = compression
    }

    public init(vnode: Int, startingSequence: UInt64 = 0, configuration: ReplicationConfiguration = ReplicationConfiguration()) {
        self.vnode = vnode
        self.configuration = configuration
        self.log = ReplicationLog(
            entriesMax: configuration.logEntriesMax, bytesMax: configuration.logBytesMax, lastSequence: startingSequence)
        refreshDerivedState()
    }

    /// The last sequence number assigned: what a transfer's snapshot and heartbeats report.
    public var lastSequence: UInt64 { log.lastSequence }
    /// The oldest sequence the catch-up log still holds.
    public var logFirstSequence: UInt64 { log.firstSequence }
    public var pendingWriteCount: Int { pendingWrites.count }

    /// Throws when a write now would be refused; the engine asks before executing one, so that a
    /// refused write is not applied either.
    public func checkAdmission() throws(ReplicationError) {
        guard case .serving = state else { throw .notPrimary(vnode: vnode) }
        guard pendingWrites.count < configuration.pendingWritesMax else {
            throw .tooManyPendingWrites(limit: configuration.pendingWritesMax)
        }
    }

    // MARK: Events

    /// The replica list from the node's current table (secondaries only, primary excluded) and
    /// the members the node considers down. On the first call every member starts as an empty
    /// replica; a member listed by a later call that this primary does not track waits for its
    /// first ack (its hello) and, silent for a write timeout, is sent the log from its start.
    public mutating func updateReplicas(secondaries: [MemberID], down: Set<MemberID>, now: ClusterInstant) -> [PrimaryAction] {
        defer { refreshDerivedState() }
        placedReplicaCount = secondaries.count + 1
        for member in Array(replicas.keys) where !secondaries.contains(member) {
            if replicas[member]!.pendingUntilSequence == nil {
                replicas[member] = nil
            } else {
                replicas[member]!.isSecondary = false
            }
        }
        for member in secondaries {
            if replicas[member] == nil {
                var progress = ReplicaProgress(isSecondary: true, acknowledgedThrough: 0)
                if hasReplicaList {
                    // Listed later and untracked: not known empty (a transfer target another primary
                    // filled, a demoted primary). Taking it for empty sent it the log from 1, and once
                    // the log no longer reached back that far the primary rebuilt a copy that was
                    // already whole (seen in a rolling-upgrade demo). Its hello says what it holds.
                    progress.isAwaitingFirstAck = true
                    progress.listedUnheardSince = now
                }
                replicas[member] = progress
            }
            replicas[member]!.isSecondary = true
            replicas[member]!.isDown = down.contains(member)
        }
        hasReplicaList = true
        return completeSatisfiedWrites()
    }

    /// Records a write the engine executed: `change` is the key's state after it. Returns the
    /// completion when the policy needs no acks; otherwise the write completes on later events.
    public mutating func write(_ id: WriteID, key: ByteBuffer, change: ReplicationChange, now: ClusterInstant)
        throws(ReplicationError) -> [PrimaryAction]
    {
        defer { refreshDerivedState() }
        try checkAdmission()
        let entry = ReplicationEntry(vnode: vnode, sequence: log.lastSequence + 1, key: key, change: change)
        log.append(entry)
        pendingWrites.append(PendingWrite(id: id, sequence: entry.sequence, startedAt: now))
        return completeSatisfiedWrites()
    }

    /// Sends what each live replica has not been sent yet, within its window, in batches.
    public mutating func flush(now: ClusterInstant) -> [PrimaryAction] {
        defer { refreshDerivedState() }
        guard case .serving = state else { return [] }
        var actions: [PrimaryAction] = []
        for member in replicas.keys.sorted() {
            sendPending(to: member, now: now, into: &actions)
        }
        return actions
    }

    /// A replica's cumulative ack: it holds every entry through `sequence`.
    ///
    /// Within one connection a replica's acks only grow, so a lower one is a stale duplicate and is
    /// ignored. An ack that repeats the previous one while later entries are out is the replica's
    /// catch-up request (it saw a gap): sending goes back to the entry after it at once, at most
    /// once per retransmit interval. After `connectionReset` the replica's first ack is taken as
    /// the truth whatever its value (it may have restarted empty); when the log no longer reaches
    /// back to it, the answer is `.rebuildRequired`.
    ///
    /// While a transfer to the member is pending, only its snapshot ack (`isSnapshotAck`, the
    /// target's replica hello of epoch 0) counts: a listed replica being rebuilt keeps acking
    /// through its old copy until the snapshot replaces it, and counting those acks ended the
    /// transfer before the snapshot was in — the entries the new copy then needed were never sent
    /// again, and with `all` every write of the vnode waited for it until the next table (found by
    /// the rolling-upgrade demo: 27 s of timed-out sets).
    public mutating func receiveAck(
        from member: MemberID, through sequence: UInt64, now: ClusterInstant, isSnapshotAck: Bool = false
    ) -> [PrimaryAction] {
        defer { refreshDerivedState() }
        guard case .serving = state, var progress = replicas[member] else { return [] }
        guard sequence <= log.lastSequence else {
            // A replica that, on a new connection, holds more than this primary ever numbered
            // (a demoted primary's unreplicated tail, or a replica ahead of the promoted one):
            // those entries are not this primary's, so its copy is rebuilt rather than trusted.
            guard progress.isAwaitingFirstAck else { return [] }
            return reportRebuild(of: member, progress: &progress, now: now)
        }
        if progress.pendingUntilSequence != nil, !progress.isAwaitingFirstAck {
            guard isSnapshotAck else { return [] }
            // The snapshot is in and holds everything through `sequence`. What was sent after it
            // may have reached only the copy it replaced, so sending resumes from there (a target
            // that kept those entries ignores them again).
            progress.pendingUntilSequence = nil
            progress.acknowledgedThrough = max(progress.acknowledgedThrough, sequence)
            progress.sentThrough = progress.acknowledgedThrough
        } else if progress.isAwaitingFirstAck {
            progress = ReplicaProgress(isSecondary: progress.isSecondary, acknowledgedThrough: sequence, isDown: progress.isDown)
        } else if sequence > progress.acknowledgedThrough {
            progress.acknowledgedThrough = sequence
            progress.sentThrough = max(progress.sentThrough, sequence)
        } else if sequence == progress.acknowledgedThrough && progress.sentThrough > sequence {
            if let wentBackAt = progress.wentBackAt, now.milliseconds - wentBackAt.milliseconds < configuration.retransmitAfterMilliseconds {
                return []
            }
            progress.sentThrough = sequence
            progress.wentBackAt = now
        } else {
            return []
        }
        if progress.acknowledgedThrough == log.lastSequence { progress.isLagReported = false }
        var actions: [PrimaryAction] = []
        if progress.isCatchUpUnreported, progress.pendingUntilSequence == nil, progress.acknowledgedThrough >= completedThrough {
            progress.isCatchUpUnreported = false
            actions.append(.transferTargetCaughtUp(vnode: vnode, member: member, sequence: progress.acknowledgedThrough))
        }
        replicas[member] = progress
        sendPending(to: member, now: now, into: &actions)
        actions += completeSatisfiedWrites()
        return actions
    }

    /// The peer connection to `member` closed or was re-established: what it holds is unknown
    /// until its next ack (the replica sends one on every new connection). Nothing is sent to it
    /// meanwhile; a transfer to it is over (the caller drops its source), and a transfer target
    /// that is not a secondary is forgotten.
    public mutating func connectionReset(_ member: MemberID) {
        defer { refreshDerivedState() }
        guard var progress = replicas[member] else { return }
        guard progress.isSecondary else {
            replicas[member] = nil
            return
        }
        progress.isAwaitingFirstAck = true
        progress.pendingUntilSequence = nil
        progress.sentThrough = progress.acknowledgedThrough
        replicas[member] = progress
    }

    /// A transfer of this vnode to `member` starts: from now on the member receives every new
    /// entry (as a pending replica, counted by no policy until it acks the snapshot). Returns the
    /// snapshot sequence the transfer's last batch must carry.
    public mutating func beginTransfer(to member: MemberID, now: ClusterInstant) -> UInt64 {
        defer { refreshDerivedState() }
        let snapshotSequence = log.lastSequence
        var progress = replicas[member] ?? ReplicaProgress(isSecondary: false, acknowledgedThrough: snapshotSequence)
        progress.acknowledgedThrough = snapshotSequence
        progress.sentThrough = snapshotSequence
        progress.pendingUntilSequence = snapshotSequence
        progress.rebuildReportedAt = nil
        progress.isLagReported = false
        progress.isAwaitingFirstAck = false
        progress.isCatchUpUnreported = true
        replicas[member] = progress
        return snapshotSequence
    }

    /// Nothing waits and every replica holds the whole log: a tick would neither resend, send,
    /// report nor fail anything. The node ticks every primary every few milliseconds, and almost
    /// all of them are settled, so they are skipped without sorting or allocating.
    /// `computeSettled()` as of the last mutation: every public mutating method that can change
    /// it refreshes it before returning, so `tick` — every 10 ms for each of a node's ~340
    /// primaries — reads one stored flag instead of walking the replicas of every primary.
    private var isSettled = true

    /// After every mutation: frees the acknowledged entries, then `isSettled`.
    private mutating func refreshDerivedState() {
        discardAcknowledgedEntries()
        isSettled = computeSettled()
    }

    /// Frees what every tracked replica acknowledged, but the newest
    /// `logAcknowledgedEntriesKept` of those. Tracked replicas include the ones whose state is
    /// unknown (awaiting their first ack: what they acknowledged before still bounds them) and
    /// transfer targets (acknowledged through their snapshot), so whatever one may still be sent
    /// stays.
    private mutating func discardAcknowledgedEntries() {
        var needed = log.lastSequence
        for progress in replicas.values { needed = min(needed, progress.acknowledgedThrough) }
        let kept = UInt64(configuration.logAcknowledgedEntriesKept)
        guard needed > kept, log.firstSequence <= needed - kept else { return }
        log.discard(through: needed - kept, maxEntries: Self.discardedEntriesPerEventMax)
    }

    /// Entries one event frees at most (see `ReplicationLog.discard`).
    static let discardedEntriesPerEventMax = 256

    private func computeSettled() -> Bool {
        guard pendingWrites.isEmpty else { return false }
        let last = log.lastSequence
        return replicas.values.allSatisfy { $0.sentThrough == last && $0.acknowledgedThrough == last }
    }

    /// A transfer to a member that is not a secondary was abandoned: stop sending to it.
    public mutating func abandonTransfer(to member: MemberID) {
        defer { refreshDerivedState() }
        guard let progress = replicas[member], !progress.isSecondary else { return }
        replicas[member] = nil
    }

    /// Resends what went unacknowledged, reports lagging replicas and fails overdue writes.
    public mutating func tick(now: ClusterInstant) -> [PrimaryAction] {
        guard case .serving = state, !isSettled else { return [] }
        defer { refreshDerivedState() }
        var actions: [PrimaryAction] = []
        for member in replicas.keys.sorted() {
            if let since = replicas[member]!.listedUnheardSince, replicas[member]!.isAwaitingFirstAck,
                now.milliseconds - since.milliseconds >= configuration.writeTimeoutMilliseconds
            {
                // Silent since it was listed: a copy that never had one (no hello comes) is sent
                // the log from its start, as an empty replica.
                replicas[member] = ReplicaProgress(isSecondary: true, acknowledgedThrough: 0, isDown: replicas[member]!.isDown)
            }
            guard var progress = replicas[member], !progress.isAwaitingFirstAck, progress.sentThrough > progress.acknowledgedThrough,
                let lastSendAt = progress.lastSendAt,
                now.milliseconds - lastSendAt.milliseconds >= configuration.retransmitAfterMilliseconds
            else { continue }
            progress.sentThrough = progress.acknowledgedThrough
            replicas[member] = progress
        }
        actions += flush(now: now)
        actions += reportLaggingReplicas(now: now)
        actions += failOverdueWrites(now: now)
        return actions
    }

    /// This node is no longer the vnode's primary: pending writes fail, new ones are refused.
    public mutating func resign() -> [PrimaryAction] {
        defer { refreshDerivedState() }
        state = .resigned
        let failed = pendingWrites.map { PrimaryAction.failWrite($0.id, .notPrimary(vnode: vnode)) }
        pendingWrites.removeAll()
        return failed
    }

    /// After `resign`: hands the catch-up log over, to be freed a little at a time
    /// (`RetiredReplicationLog`). `lastSequence` stays what it was.
    public mutating func retireLog() -> RetiredReplicationLog {
        precondition(!isServing, "only a resigned primary's log is retired")
        return RetiredReplicationLog(entries: log.takeEntries())
    }

    private var isServing: Bool {
        if case .serving = state { return true }
        return false
    }

    // MARK: Internals

    /// `.rebuildRequired` for the member, at most once per write timeout.
    private mutating func reportRebuild(of member: MemberID, progress: inout ReplicaProgress, now: ClusterInstant) -> [PrimaryAction] {
        defer { replicas[member] = progress }
        if let reportedAt = progress.rebuildReportedAt, now.milliseconds - reportedAt.milliseconds < configuration.writeTimeoutMilliseconds {
            return []
        }
        progress.rebuildReportedAt = now
        return [.rebuildRequired(vnode: vnode, member: member)]
    }

    private mutating func sendPending(to member: MemberID, now: ClusterInstant, into actions: inout [PrimaryAction]) {
        guard var progress = replicas[member], !progress.isDown, !progress.isAwaitingFirstAck else { return }
        defer { replicas[member] = progress }
        // sentThrough >= acknowledgedThrough always: an ack raises both, a regression lowers both.
        while progress.sentThrough < log.lastSequence,
            progress.sentThrough - progress.acknowledgedThrough < UInt64(configuration.inFlightEntriesMax)
        {
            let windowLeft = configuration.inFlightEntriesMax - Int(progress.sentThrough - progress.acknowledgedThrough)
            guard
                let entries = log.entries(
                    from: progress.sentThrough + 1, entriesMax: min(configuration.batchEntriesMax, windowLeft),
                    bytesMax: configuration.batchBytesMax)
            else {
                // Once per write timeout: the coordinator may have missed or dropped the request.
                if let reportedAt = progress.rebuildReportedAt,
                    now.milliseconds - reportedAt.milliseconds < configuration.writeTimeoutMilliseconds
                {
                    return
                }
                progress.rebuildReportedAt = now
                actions.append(.rebuildRequired(vnode: vnode, member: member))
                return
            }
            guard let last = entries.last else { return }
            actions.append(.send(ReplicationBatch(entries: entries, compression: configuration.batchCompression), to: member))
            progress.sentThrough = last.sequence
            progress.lastSendAt = now
        }
    }

    /// Completes the writes the policy is satisfied with. Acks are cumulative, so the satisfied
    /// writes are always a prefix of the pending ones (in sequence order).
    private mutating func completeSatisfiedWrites() -> [PrimaryAction] {
        var actions: [PrimaryAction] = []
        let eligible = replicas.filter { $0.value.isEligible }
        let required = configuration.writeAckPolicy.requiredAcks(
            placedReplicaCount: placedReplicaCount, eligibleSecondaryCount: eligible.count)
        var completed = 0
        for write in pendingWrites {
            let holders = eligible.filter { $0.value.acknowledgedThrough >= write.sequence }.keys.sorted()
            guard holders.count >= required else { break }
            actions.append(.completeWrite(write.id, acknowledgedBy: holders))
            completedThrough = write.sequence
            completed += 1
        }
        pendingWrites.removeFirst(completed)
        return actions
    }

    private mutating func reportLaggingReplicas(now: ClusterInstant) -> [PrimaryAction] {
        guard let oldest = pendingWrites.first,
            now.milliseconds - oldest.startedAt.milliseconds >= configuration.lagReportAfterMilliseconds
        else { return [] }
        var actions: [PrimaryAction] = []
        for member in replicas.keys.sorted() {
            guard let progress = replicas[member], progress.isSecondary, !progress.isDown, !progress.isLagReported,
                progress.acknowledgedThrough < oldest.sequence
            else { continue }
            replicas[member]!.isLagReported = true
            actions.append(.replicaLagging(member))
        }
        return actions
    }

    private mutating func failOverdueWrites(now: ClusterInstant) -> [PrimaryAction] {
        // Every tick visits every primary: most have no overdue write, and need no allocation.
        guard let first = pendingWrites.first,
            now.milliseconds - first.startedAt.milliseconds >= configuration.writeTimeoutMilliseconds
        else { return [] }
        let eligible = replicas.values.filter(\.isEligible)
        let required = configuration.writeAckPolicy.requiredAcks(
            placedReplicaCount: placedReplicaCount, eligibleSecondaryCount: eligible.count)
        var actions: [PrimaryAction] = []
        while let oldest = pendingWrites.first,
            now.milliseconds - oldest.startedAt.milliseconds >= configuration.writeTimeoutMilliseconds
        {
            let holders = eligible.filter { $0.acknowledgedThrough >= oldest.sequence }.count
            actions.append(
                .failWrite(oldest.id, .acknowledgementTimeout(sequence: oldest.sequence, acknowledgedBy: holders, required: required)))
            pendingWrites.removeFirst()
        }
        return actions
    }
}

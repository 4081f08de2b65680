import NIOCore
import RondoCluster
import RondoCore
import RondoPeer
import RondoRing
import RondoSimulation
import RondoStorage

/// One vnode on a primary and two replicas over a `SeededNetwork`, driven by one seed: a
/// stream of sets and deletes, acks completing writes per policy, replicas crashing and coming
/// back empty (caught up from the log or rebuilt by a transfer). `violations` collects every
/// broken invariant, each naming the seed.
struct VnodeSimulation {
    private enum ReplicaRole {
        case applier(VnodeReplicaApplier)
        case target(VnodeTransferTarget)
        case crashed(restartAt: Int64)
    }

    private struct Replica {
        var store: ItemStore
        var role: ReplicaRole
        /// Bumped whenever the replica's copy is discarded (restart, rebuild): holders of earlier
        /// incarnations no longer vouch for a write.
        var incarnation = 0
        var appliedSeen: UInt64 = 0
        /// After a transfer, the primary's sequence when the last batch left: the fuzzy snapshot
        /// may hold states up to it, so the replica equals the model only from there on.
        var consistentFrom: UInt64 = 0
        /// The applied sequence the store was last compared with the model at.
        var checkedAt: UInt64?
        /// The highest acknowledged write this incarnation was counted for: it must hold it.
        var vouchedThrough: UInt64 = 0
    }

    struct Counters {
        var steps = 0, writes = 0, acknowledged = 0, failed = 0, refused = 0, crashes = 0, catchUps = 0, rebuilds = 0
        var partitions = 0, lagging = 0
    }

    static let vnode = 1
    static let keyCount = 12
    let seed: UInt64
    let policy: WriteAckPolicy
    private let primaryID = MemberID(1)
    private let replicaIDs = [MemberID(2), MemberID(3)]
    private var generator: SplitMix64
    private(set) var now: Int64 = 0
    private let primaryStore: ItemStore
    private var primary: VnodePrimaryReplicator
    private var replicas: [MemberID: Replica] = [:]
    private var network: SeededNetwork<MemberID, SimulatedMessage>
    private var throttle: TransferThrottle
    private var sources: [MemberID: VnodeTransferSource] = [:]
    private var model: SimulatedWriteModel
    private var nextWrite: UInt64 = 0
    private var sequenceOfWrite: [WriteID: UInt64] = [:]
    private(set) var counters = Counters()
    private(set) var violations: [String] = []

    init(seed: UInt64) {
        self.seed = seed
        generator = SplitMix64(seed: seed)
        policy = WriteAckPolicy.allCases[Int(seed % 3)]
        primaryStore = makeClusterStore(vnodeCount: 4)
        let logEntriesMax = [24, 100_000][Int.random(in: 0...1, using: &generator)]
        let acknowledgedKept = [0, 3, 256][Int.random(in: 0...2, using: &generator)]
        primary = VnodePrimaryReplicator(
            vnode: Self.vnode,
            configuration: ReplicationConfiguration(
                writeAckPolicy: policy, logEntriesMax: logEntriesMax, logAcknowledgedEntriesKept: acknowledgedKept,
                batchEntriesMax: 8, inFlightEntriesMax: 32,
                pendingWritesMax: 64, lagReportAfterMilliseconds: 250, writeTimeoutMilliseconds: 800,
                retransmitAfterMilliseconds: 60, batchCompression: seed % 2 == 0 ? .lz4 : .none))
        network = SeededNetwork(
            dropPercent: Int.random(in: 0...20, using: &generator), duplicatePercent: Int.random(in: 0...10, using: &generator),
            delayMaxMilliseconds: Int64.random(in: 2...40, using: &generator))
        throttle = TransferThrottle(bytesPerSecond: 256 << 10, burstBytes: 4096, now: ClusterInstant(milliseconds: 0))
        model = SimulatedWriteModel(keys: keys(inVnode: Self.vnode, of: primaryStore, count: Self.keyCount, prefix: "sim"))
        for member in replicaIDs {
            let store = makeClusterStore(vnodeCount: 4)
            replicas[member] = Replica(store: store, role: .applier(VnodeReplicaApplier(vnode: Self.vnode, store: store)))
        }
        _ = primary.updateReplicas(secondaries: replicaIDs, down: [], now: instant(0))
    }

    private var clock: ClusterInstant { ClusterInstant(milliseconds: now) }

    // MARK: Driving

    /// One step of the faulty phase: time passes, messages arrive, maybe a write, maybe a crash.
    mutating func stepWithFaults() {
        counters.steps += 1
        now += Int64.random(in: 1...5, using: &generator)
        restartDueReplicas()
        deliverDueMessages()
        if Int.random(in: 0..<100, using: &generator) < 40 { issueWrite() }
        if Int.random(in: 0..<1000, using: &generator) < 3 { crashAReplica() }
        if Int.random(in: 0..<1000, using: &generator) < 2 { partitionAReplica() }
        runPrimaryAndTransfers()
        checkInvariants()
    }

    /// Heals the network and brings every replica back, then runs until all replicas hold the
    /// primary's last sequence and no write is pending; false if that takes more than `stepsMax`.
    mutating func settle(stepsMax: Int) -> Bool {
        network.dropPercent = 0
        network.duplicatePercent = 0
        network.healIsolation()
        for member in replicaIDs {
            if case .crashed = replicas[member]!.role { replicas[member]!.role = .crashed(restartAt: now) }
        }
        for _ in 0..<stepsMax {
            now += 5
            counters.steps += 1
            restartDueReplicas()
            deliverDueMessages()
            runPrimaryAndTransfers()
            checkInvariants()
            if isSettled { return true }
        }
        return false
    }

    private var isSettled: Bool {
        primary.pendingWriteCount == 0 && sources.isEmpty && replicaIDs.allSatisfy { member in
            guard case .applier(let applier) = replicas[member]!.role else { return false }
            return applier.appliedThrough == primary.lastSequence
        }
    }

    // MARK: Events

    private mutating func issueWrite() {
        do {
            try primary.checkAdmission()
        } catch {
            counters.refused += 1
            return
        }
        let keyIndex = Int.random(in: 0..<Self.keyCount, using: &generator)
        let key = model.keys[keyIndex]
        nextWrite += 1
        if Int.random(in: 0..<100, using: &generator) < 20 {
            _ = primaryStore.delete(key)
        } else {
            let value = "s\(seed)-w\(nextWrite)-" + String(repeating: "x", count: Int.random(in: 0...40, using: &generator))
            _ = primaryStore.store(key, value: bytes(value), flags: UInt32(nextWrite), expiresAt: 0, mode: .set)
        }
        let change = ReplicationChange(capturing: primaryStore.peek(key))
        let id = WriteID(nextWrite)
        do {
            let actions = try primary.write(id, key: key, change: change, now: clock)
            sequenceOfWrite[id] = primary.lastSequence
            model.record(sequence: primary.lastSequence, keyIndex: keyIndex, change: change)
            counters.writes += 1
            perform(actions)
        } catch {
            violations.append("seed \(seed): admitted write refused: \(error)")
        }
    }

    private mutating func crashAReplica() {
        let member = replicaIDs[Int.random(in: 0..<replicaIDs.count, using: &generator)]
        guard case .applier = replicas[member]!.role else { return }
        counters.crashes += 1
        discardCopy(of: member)
        replicas[member]!.consistentFrom = 0
        replicas[member]!.role = .crashed(restartAt: now + Int64.random(in: 50...600, using: &generator))
        network.breakConnections(of: member)
        sources[member] = nil
        primary.connectionReset(member)
        // Half the time the coordinator notices and marks it down before it returns.
        if Bool.random(using: &generator) {
            perform(primary.updateReplicas(secondaries: replicaIDs, down: [member], now: clock))
        }
    }

    /// The replica's copy is gone (crash) or replaced (rebuild): it vouches for nothing until it
    /// is counted again.
    private mutating func discardCopy(of member: MemberID) {
        replicas[member]!.incarnation += 1
        replicas[member]!.appliedSeen = 0
        replicas[member]!.checkedAt = nil
        replicas[member]!.vouchedThrough = 0
    }

    /// The member is cut off without its connections closing: writes under `all` wait for it,
    /// it is reported lagging, and writes fail once the partition outlasts the write timeout.
    private mutating func partitionAReplica() {
        let member = replicaIDs[Int.random(in: 0..<replicaIDs.count, using: &generator)]
        counters.partitions += 1
        network.isolate(member, until: now + Int64.random(in: 100...2000, using: &generator))
    }

    private mutating func restartDueReplicas() {
        for member in replicaIDs {
            guard case .crashed(let restartAt) = replicas[member]!.role, restartAt <= now else { continue }
            let store = makeClusterStore(vnodeCount: 4)
            replicas[member]!.store = store
            replicas[member]!.role = .applier(VnodeReplicaApplier(vnode: Self.vnode, store: store))
            // The log still starting at 1 means the empty replica catches up from it.
            if primary.logFirstSequence == 1 { counters.catchUps += 1 }
            perform(primary.updateReplicas(secondaries: replicaIDs, down: [], now: clock))
            // On the new connection the replica tells the primary what it holds.
            network.send(
                .ack(ReplicationAck(vnode: UInt32(Self.vnode), acknowledgedSequence: 0)), from: member, to: primaryID, now: now,
                stream: true, using: &generator)
        }
    }

    private mutating func deliverDueMessages() {
        for envelope in network.takeDue(now: now) {
            switch envelope.message {
            case .ack(let ack):
                perform(primary.receiveAck(from: envelope.from, through: ack.acknowledgedSequence, now: clock))
            case .snapshotAck(let ack):
                perform(primary.receiveAck(from: envelope.from, through: ack.acknowledgedSequence, now: clock, isSnapshotAck: true))
            case .replication(let batch):
                deliverReplication(batch, to: envelope.to)
            case .transfer(let batch):
                deliverTransfer(batch, to: envelope.to)
            }
        }
    }

    private mutating func deliverReplication(_ batch: ReplicationBatch, to member: MemberID) {
        let entries: [ReplicationEntry]
        do {
            entries = try ReplicationBatch(decoding: batch.frame()).decodedEntries()
        } catch {
            violations.append("seed \(seed): replication batch did not decode: \(error)")
            return
        }
        switch replicas[member]!.role {
        case .applier(var applier):
            let actions = applier.receive(entries)
            replicas[member]!.role = .applier(applier)
            replicaActions(actions, from: member)
        case .target(var target):
            let actions = target.receive(entries)
            replicas[member]!.role = .target(target)
            replicaActions(actions, from: member)
        case .crashed:
            break
        }
    }

    private mutating func deliverTransfer(_ batch: TransferBatch, to member: MemberID) {
        if case .crashed = replicas[member]!.role { return }
        var target: VnodeTransferTarget
        if (try? batch.batchIndex()) == 0 {
            // A new transfer: the replica's copy is discarded for the snapshot.
            target = VnodeTransferTarget(vnode: Self.vnode, store: replicas[member]!.store)
            discardCopy(of: member)
        } else if case .target(let current) = replicas[member]!.role {
            target = current
        } else {
            violations.append("seed \(seed): transfer batch \(String(describing: try? batch.batchIndex())) for \(member) outside a transfer")
            return
        }
        do {
            let actions = try target.receive(TransferBatch(decoding: batch.frame()))
            replicas[member]!.role = target.replicaApplier.map(ReplicaRole.applier) ?? .target(target)
            replicaActions(actions, from: member, isSnapshotImport: true)
        } catch {
            violations.append("seed \(seed): transfer to \(member) failed: \(error)")
        }
    }

    /// `isSnapshotImport`: the actions of a transfer batch, whose ack is the snapshot's (as
    /// `ClusterNode.receiveTransfer` sends it: on the stream, as a replica hello of epoch 0).
    private mutating func replicaActions(_ actions: [ReplicaAction], from member: MemberID, isSnapshotImport: Bool = false) {
        for action in actions {
            if case .applyFailed = action { violations.append("seed \(seed): \(member) could not apply: \(action)") }
            guard let ack = action.replicationAck else { continue }
            network.send(
                isSnapshotImport ? .snapshotAck(ack) : .ack(ack), from: member, to: primaryID, now: now, stream: isSnapshotImport,
                using: &generator)
        }
    }

    private mutating func runPrimaryAndTransfers() {
        perform(primary.flush(now: clock))
        perform(primary.tick(now: clock))
        for member in sources.keys.sorted() {
            for _ in 0..<4 {
                guard var source = sources[member] else { break }
                let action = source.nextBatch(now: clock, throttle: &throttle)
                sources[member] = source
                guard case .send(let batch) = action else {
                    if case .finished = action { sources[member] = nil }
                    break
                }
                if batch.isLast { replicas[member]!.consistentFrom = primary.lastSequence }
                network.send(.transfer(batch), from: primaryID, to: member, now: now, stream: true, using: &generator)
            }
        }
    }

    private mutating func perform(_ actions: [PrimaryAction]) {
        for action in actions {
            switch action {
            case .send(let batch, let member):
                network.send(.replication(batch), from: primaryID, to: member, now: now, stream: false, using: &generator)
            case .completeWrite(let id, let holders):
                counters.acknowledged += 1
                let sequence = sequenceOfWrite.removeValue(forKey: id)!
                for holder in holders { replicas[holder]!.vouchedThrough = max(replicas[holder]!.vouchedThrough, sequence) }
                checkPolicy(holders: holders, sequence: sequence)
            case .failWrite(let id, _):
                counters.failed += 1
                sequenceOfWrite[id] = nil
            case .transferTargetCaughtUp:
                break
            case .replicaLagging:
                counters.lagging += 1
            case .rebuildRequired(_, let member):
                startRebuild(of: member)
            }
        }
    }

    private mutating func startRebuild(of member: MemberID) {
        guard sources[member] == nil else { return }
        if case .crashed = replicas[member]!.role { return }
        counters.rebuilds += 1
        let snapshotSequence = primary.beginTransfer(to: member, now: clock)
        sources[member] = VnodeTransferSource(
            vnode: Self.vnode, store: primaryStore, snapshotSequence: snapshotSequence,
            configuration: TransferSourceConfiguration(batchBytesMax: 512, itemsPerExportStepMax: 4))
    }

    // MARK: Invariants

    private mutating func checkPolicy(holders: [MemberID], sequence: UInt64) {
        let needed: Int
        switch policy {
        case .one: needed = 0
        case .quorum: needed = 1
        case .all: needed = 0  // down replicas are excused; every live one is checked below
        }
        if holders.count < needed {
            violations.append("seed \(seed): write \(sequence) completed with \(holders) under \(policy)")
        }
    }

    private mutating func checkInvariants() {
        for member in replicaIDs {
            let replica = replicas[member]!
            guard case .applier(let applier) = replica.role else {
                if replica.vouchedThrough > 0 {
                    violations.append("seed \(seed) t=\(now): acknowledged write \(replica.vouchedThrough) missing on holder \(member)")
                }
                continue
            }
            let applied = applier.appliedThrough
            if applied < replica.appliedSeen {
                violations.append("seed \(seed): \(member) went back from \(replica.appliedSeen) to \(applied)")
            }
            if applied < replica.vouchedThrough {
                violations.append("seed \(seed) t=\(now): acknowledged write \(replica.vouchedThrough) missing on holder \(member) at \(applied)")
            }
            replicas[member]!.appliedSeen = applied
            guard applied >= replica.consistentFrom, replica.checkedAt != applied else { continue }
            replicas[member]!.checkedAt = applied
            // Equal to the model at its applied sequence: nothing applied out of order or skipped.
            for keyIndex in 0..<Self.keyCount where !model.store(replica.store, matchesKey: keyIndex, at: applied) {
                violations.append("seed \(seed) t=\(now): \(member) at \(applied) diverges from the model on key \(keyIndex)")
            }
        }
    }

    /// The primary's own store against the model (a check of the simulation itself).
    mutating func checkPrimary() {
        for keyIndex in 0..<Self.keyCount where !model.store(primaryStore, matchesKey: keyIndex, at: primary.lastSequence) {
            violations.append("seed \(seed): primary diverges from the model on key \(keyIndex)")
        }
    }
}

import RondoCore
import RondoPeer
import RondoRing

/// Computes an `UpgradePlan` from the coordinator's state, before anything moves. Each batch is
/// planned on the table in force: a batch's return restores the placement its release changed
/// (`RoutingTable.draining` then `activating`), so every batch starts from the same table.
public enum UpgradePlanner {
    public static func plan(state: CoordinatorState, request: UpgradeRequest) throws(UpgradePlanError) -> UpgradePlan {
        try validate(request)
        guard let table = state.table else { throw .noRoutingTable }
        try checkMembershipSettled(state)
        let nodes = nodesToUpgrade(state: state, targetVersion: request.targetVersion)
        guard !nodes.isEmpty else { throw .nothingToUpgrade(request.targetVersion ?? RondoVersion.current) }
        let groups = batches(of: nodes, strategy: request.strategy)
        var planned: [UpgradeBatchPlan] = []
        for group in groups {
            planned.append(try planBatch(group, table: table, state: state, atomic: request.strategy == .atomic))
        }
        var versions: [NodeID: SemanticVersion] = [:]
        for record in state.members.values where record.memberID != nil && record.state.isLive {
            versions[record.nodeID] = record.build.softwareVersion
        }
        return UpgradePlan(request: request, replicaCount: state.replicaCount, currentVersions: versions, batches: planned)
    }

    static func validate(_ request: UpgradeRequest) throws(UpgradePlanError) {
        guard request.targetVersion != nil || request.binaryPath != nil else { throw .noTarget }
        if case .group(let size) = request.strategy, size < 1 { throw .invalidBatchSize(size) }
        guard request.limits.isValid else { throw .invalidLimits }
        if let path = request.binaryPath, path.utf8.count > RestartNode.binaryPathBytesMax || path.isEmpty {
            throw .binaryPathTooLong(path.utf8.count)
        }
    }

    /// An upgrade starts from a settled cluster: every member active, nothing being copied.
    static func checkMembershipSettled(_ state: CoordinatorState) throws(UpgradePlanError) {
        guard state.target == nil, state.copies.isEmpty else { throw .membershipChangePending }
        for record in state.members.values.sorted(by: { $0.nodeID < $1.nodeID }) where record.memberID != nil {
            switch record.state {
            case .active, .left, .candidate: continue
            case .joining, .draining: throw .membershipChangePending
            case .down: throw .memberNotReady(record.nodeID, record.state)
            }
        }
    }

    /// Active members not yet on the target version (every active member when only a binary is
    /// given), in node-id order: the order the operator reads in the plan.
    static func nodesToUpgrade(state: CoordinatorState, targetVersion: SemanticVersion?) -> [NodeID] {
        state.members.values.filter { record in
            record.memberID != nil && record.state == .active
                && (targetVersion == nil || record.build.softwareVersion != targetVersion)
        }.map(\.nodeID).sorted()
    }

    static func batches(of nodes: [NodeID], strategy: UpgradeStrategy) -> [[NodeID]] {
        switch strategy {
        case .group(let size):
            return stride(from: 0, to: nodes.count, by: size).map { Array(nodes[$0..<min($0 + size, nodes.count)]) }
        case .atomic:
            guard nodes.count > 1 else { return [nodes] }
            let half = nodes.count / 2
            return [Array(nodes[..<half]), Array(nodes[half...])]
        }
    }

    static func planBatch(
        _ batch: [NodeID], table: RoutingTable, state: CoordinatorState, atomic: Bool
    ) throws(UpgradePlanError) -> UpgradeBatchPlan {
        let ids = batch.compactMap { state.members[$0]?.memberID }
        let remaining = table.activeMembers.filter { !ids.contains($0.id) }.count
        guard remaining >= state.replicaCount else {
            throw .notEnoughNodes(batch: batch, remaining: remaining, replicaCount: state.replicaCount, atomic: atomic)
        }
        var drained = table
        do {
            for id in ids.sorted() { drained = try drained.draining(id) }
        } catch {
            throw .ring("\(error)")
        }
        guard drained.placedReplicaCount == state.replicaCount else {
            throw .notEnoughNodes(batch: batch, remaining: remaining, replicaCount: state.replicaCount, atomic: atomic)
        }
        let release = RoutingTable.diff(from: table, to: drained)
        var restored = drained
        do {
            for id in ids.sorted().reversed() { restored = try restored.activating(id) }
        } catch {
            throw .ring("\(error)")
        }
        let back = RoutingTable.diff(from: drained, to: restored)
        let sizes = vnodeSizes(state)
        var departures: [VnodeDeparture] = []
        var bytes: UInt64 = 0
        var unknown = 0
        var incoming: [NodeID: (bytes: UInt64, unknown: Int)] = [:]
        for migration in release.migrations where !migration.receivers.isEmpty || !migration.droppers.isEmpty {
            let receivers = migration.receivers.compactMap { state.nodeID(of: $0) }
            let size = sizes[migration.vnode]
            departures.append(
                VnodeDeparture(
                    vnode: migration.vnode, from: migration.droppers.compactMap { state.nodeID(of: $0) }, to: receivers,
                    bytes: size))
            for receiver in receivers {
                if let size {
                    bytes &+= size
                    incoming[receiver, default: (0, 0)].bytes &+= size
                } else {
                    unknown += 1
                    incoming[receiver, default: (0, 0)].unknown += 1
                }
            }
        }
        let memory = incoming.keys.sorted().map { node in
            MemoryCheck(
                node: node, incomingBytes: incoming[node]!.bytes, unknownSizeVnodes: incoming[node]!.unknown,
                freeBytes: state.members[node]?.memory?.freeBytes)
        }
        if let tight = memory.first(where: { $0.fits == false }) {
            throw .insufficientMemory(batch: batch, node: tight.node, incomingBytes: tight.incomingBytes, freeBytes: tight.freeBytes ?? 0)
        }
        let lowest = min(release.minimumReplicaCount(), drained.placedReplicaCount, back.minimumReplicaCount())
        return UpgradeBatchPlan(
            nodes: batch, departures: departures, releaseBytes: unknown == 0 ? bytes : nil, unknownSizeCopies: unknown,
            lowestReplicaCount: lowest, remainingActiveNodes: remaining, memory: memory)
    }

    /// The size of each vnode as its holders report it: the primary's figure when it reported
    /// one (it has every write), else the largest any holder reported.
    static func vnodeSizes(_ state: CoordinatorState) -> [Int: UInt64] {
        guard let table = state.table else { return [:] }
        var sizes: [Int: UInt64] = [:]
        for record in state.members.values where record.state.isLive {
            for (vnode, bytes) in record.vnodeBytes { sizes[vnode] = max(sizes[vnode] ?? 0, bytes) }
        }
        for vnode in sizes.keys {
            if let primary = state.record(of: table.primary(of: vnode)), let own = primary.vnodeBytes[vnode] { sizes[vnode] = own }
        }
        return sizes
    }
}

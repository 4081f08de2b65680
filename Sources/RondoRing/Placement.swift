import RondoCore

/// The placement engine: moves a previous assignment to a balanced one over the given active
/// nodes with as few changes as possible. Works on node indices (positions in `nodes`, sorted by
/// id) so that every tie breaks the same way on every machine: the result is a pure function of
/// (previous assignment, active nodes, labels, home hint).
///
/// Steps (see docs/ring.md): carry over replicas still on active nodes; give each node a target
/// of floor or ceil of the mean, the ceilings going to the nodes that already hold the most; shed
/// the surplus of nodes above target; fill the holes from nodes below target; then re-balance
/// primaries by promoting secondaries (free: no data moves).
struct Placement {
    static let hole: Int32 = -1
    /// Bounds the breadth-first search for a chain of fresh slots (each step scans every vnode);
    /// past it, `fillBySwap` re-seats one replica instead, which costs one extra transfer.
    static let chainSearchStepsMax = 64
    /// Bounds the zone repair searches that find nothing (each scans every vnode).
    static let zoneRepairFailuresMax = 8

    let vnodeCount: Int
    let width: Int
    let nodeCount: Int
    let zoneOf: [Int32]
    let hostOf: [Int32]
    /// The node coming back from a drain and the vnodes it held before, preferred when shedding
    /// and filling so that it gets back its home where the table allows.
    let returningNode: Int?
    let homeVnodes: Set<Int>
    /// Per vnode, the node index the caller wants as primary (the most current replica after a
    /// failure); honoured when that node keeps a copy of the vnode and primary balance allows.
    let preferredPrimary: [Int: Int32]

    var slots: [Int32]
    /// True for a slot filled by this placement: its node has no copy of the vnode yet.
    var isFresh: [Bool]
    var replicaCounts: [Int]
    var replicaTargets: [Int] = []
    var primaryCounts: [Int] = []
    var primaryTargets: [Int] = []

    /// Returns the new vnode-major assignment, `width` entries per vnode.
    static func place(
        vnodeCount: Int, width: Int, nodes: [NodeDescriptor], previous: [MemberID],
        previousWidth: Int, returning: MemberID?, homeVnodes: Set<Int>,
        preferredPrimaries: [Int: MemberID] = [:]
    ) -> [MemberID] {
        precondition(width >= 1 && width <= nodes.count, "width \(width) for \(nodes.count) nodes")
        precondition(previous.count == vnodeCount * previousWidth, "previous assignment shape")
        var placement = Placement(
            vnodeCount: vnodeCount, width: width, nodes: nodes, previous: previous,
            previousWidth: previousWidth, returning: returning, homeVnodes: homeVnodes,
            preferredPrimaries: preferredPrimaries)
        placement.balanceReplicas()
        placement.balancePrimaries()
        return placement.slots.map { nodes[Int($0)].id }
    }

    private init(
        vnodeCount: Int, width: Int, nodes: [NodeDescriptor], previous: [MemberID],
        previousWidth: Int, returning: MemberID?, homeVnodes: Set<Int>, preferredPrimaries: [Int: MemberID]
    ) {
        self.vnodeCount = vnodeCount
        self.width = width
        self.nodeCount = nodes.count
        var indexOf: [MemberID: Int32] = [:]
        for (index, node) in nodes.enumerated() { indexOf[node.id] = Int32(index) }
        self.zoneOf = Placement.labelIndices(nodes.map(\.zone))
        self.hostOf = Placement.labelIndices(nodes.map(\.host))
        self.returningNode = returning.flatMap { indexOf[$0] }.map(Int.init)
        self.homeVnodes = homeVnodes
        self.preferredPrimary = preferredPrimaries.compactMapValues { indexOf[$0] }
        self.slots = Array(repeating: Placement.hole, count: vnodeCount * width)
        self.isFresh = Array(repeating: false, count: vnodeCount * width)
        self.replicaCounts = Array(repeating: 0, count: nodes.count)
        carryOver(previous: previous, previousWidth: previousWidth, indexOf: indexOf)
    }

    /// Labels become small integers; an unlabelled node gets -1, which never clashes.
    private static func labelIndices(_ labels: [String?]) -> [Int32] {
        var indexOf: [String: Int32] = [:]
        return labels.map { label in
            guard let label else { return -1 }
            if let index = indexOf[label] { return index }
            let index = Int32(indexOf.count)
            indexOf[label] = index
            return index
        }
    }

    /// Keeps every previous replica that is still on an active node, in its slot when the width is
    /// unchanged (so that unaffected vnodes stay byte-for-byte the same), else in order.
    private mutating func carryOver(previous: [MemberID], previousWidth: Int, indexOf: [MemberID: Int32]) {
        guard previousWidth > 0 else { return }
        for vnode in 0..<vnodeCount {
            var kept = 0
            for previousSlot in 0..<previousWidth {
                guard let node = indexOf[previous[vnode * previousWidth + previousSlot]] else { continue }
                let slot = previousWidth == width ? previousSlot : kept
                guard slot < width else { break }
                slots[vnode * width + slot] = node
                replicaCounts[Int(node)] += 1
                kept += 1
            }
        }
    }

    // MARK: Targets

    /// Floor or ceil of `total / nodeCount` per node; the ceilings go to the nodes that hold the
    /// most already (ties to the lower index), which is what keeps movement minimal.
    private func targets(total: Int, counts: [Int]) -> [Int] {
        let base = total / nodeCount
        let extra = total % nodeCount
        let order = (0..<nodeCount).sorted { left, right in
            counts[left] != counts[right] ? counts[left] > counts[right] : left < right
        }
        var targets = Array(repeating: base, count: nodeCount)
        for rank in 0..<extra { targets[order[rank]] = base + 1 }
        return targets
    }

    // MARK: Replicas

    private mutating func balanceReplicas() {
        replicaTargets = targets(total: vnodeCount * width, counts: replicaCounts)
        fillHoles()
        for node in 0..<nodeCount where replicaCounts[node] > replicaTargets[node] {
            handOver(from: node)
        }
        for node in 0..<nodeCount where replicaCounts[node] > replicaTargets[node] {
            shed(node: node, count: replicaCounts[node] - replicaTargets[node])
        }
        fillHoles()
        assert(replicaCounts == replicaTargets, "replica counts reach their targets")
        repairZones()
    }

    /// Greedy filling can corner the last holes into a shared zone. Swap such a replica with a
    /// replica of another vnode when both slots are fresh (no copy made yet, so the swap costs
    /// no transfer), both nodes keep their counts, and neither vnode shares a zone afterwards.
    /// Each failed search scans every vnode; when zones are uneven, clashes are forced by
    /// balance and most searches fail, so the number of failures is bounded.
    private mutating func repairZones() {
        var failuresLeft = Placement.zoneRepairFailuresMax
        for vnode in 0..<vnodeCount where failuresLeft > 0 {
            for slot in (0..<width).reversed() where isFresh[vnode * width + slot] && failuresLeft > 0 {
                let node = Int(slots[vnode * width + slot])
                guard clashes(node: node, in: vnode, level: zoneOf) else { continue }
                if !swapForZone(vnode: vnode, slot: slot, node: node) { failuresLeft -= 1 }
            }
        }
    }

    private mutating func swapForZone(vnode: Int, slot: Int, node: Int) -> Bool {
        for other in 0..<vnodeCount where other != vnode && slotOf(node: node, in: other) == nil {
            for otherSlot in 0..<width where isFresh[other * width + otherSlot] {
                let otherNode = Int(slots[other * width + otherSlot])
                guard slotOf(node: otherNode, in: vnode) == nil,
                    !clashes(node: otherNode, in: vnode, level: zoneOf, ignoring: node),
                    !clashes(node: node, in: other, level: zoneOf, ignoring: otherNode)
                else { continue }
                slots[vnode * width + slot] = Int32(otherNode)
                slots[other * width + otherSlot] = Int32(node)
                return true
            }
        }
        return false
    }

    private mutating func fillHoles() {
        for vnode in 0..<vnodeCount {
            for slot in 0..<width where slots[vnode * width + slot] == Placement.hole {
                fill(vnode: vnode, slot: slot)
            }
        }
    }

    /// Moves the surplus of a node above target straight to nodes below target, one slot at a
    /// time, so that each moved slot costs exactly one transfer. Slot preference as in `shed`.
    private mutating func handOver(from node: Int) {
        let start = (node &* 7919) % vnodeCount
        for pass in 0..<4 {
            for offset in 0..<vnodeCount where replicaCounts[node] > replicaTargets[node] {
                let vnode = (start + offset) % vnodeCount
                guard let slot = slotOf(node: node, in: vnode), isEligibleToShed(node, vnode, slot, pass) else {
                    continue
                }
                guard let receiver = bestReceiver(vnode: vnode, excluding: node) else { continue }
                replicaCounts[node] -= 1
                assign(node: receiver, vnode: vnode, slot: slot)
            }
        }
    }

    /// Removes `count` replicas from `node`, leaving holes. Used only for a surplus that
    /// `handOver` could not place. Order of preference: slots that clash on zone with another
    /// replica (removing them improves spread), the returning node's home vnodes, other
    /// secondaries, and primaries last (primaries prefer to stay).
    private mutating func shed(node: Int, count: Int) {
        var remaining = count
        let start = (node &* 7919) % vnodeCount
        for pass in 0..<4 where remaining > 0 {
            for offset in 0..<vnodeCount where remaining > 0 {
                let vnode = (start + offset) % vnodeCount
                guard let slot = slotOf(node: node, in: vnode), isEligibleToShed(node, vnode, slot, pass) else {
                    continue
                }
                slots[vnode * width + slot] = Placement.hole
                replicaCounts[node] -= 1
                remaining -= 1
            }
        }
        assert(remaining == 0, "a node always holds its surplus")
    }

    private func isEligibleToShed(_ node: Int, _ vnode: Int, _ slot: Int, _ pass: Int) -> Bool {
        switch pass {
        case 0: return slot > 0 && clashes(node: node, in: vnode, level: zoneOf)
        case 1: return slot > 0 && isHomeForReturning(vnode)
        case 2: return slot > 0
        default: return true
        }
    }

    /// Fills one hole with the best node below target that the vnode does not hold yet: distinct
    /// zone, then distinct host, then the returning node's home, then the largest deficit, then a
    /// per-vnode hash so that equal candidates spread instead of piling onto the lowest id.
    private mutating func fill(vnode: Int, slot: Int) {
        if let receiver = bestReceiver(vnode: vnode, excluding: nil) {
            assign(node: receiver, vnode: vnode, slot: slot)
        } else if let receiver = retargetedReceiver(vnode: vnode) {
            assign(node: receiver, vnode: vnode, slot: slot)
        } else if !fillByChain(vnode: vnode, slot: slot) {
            fillBySwap(vnode: vnode, slot: slot)
        }
    }

    private func bestReceiver(vnode: Int, excluding leaving: Int?) -> Int? {
        var best: Int? = nil
        var bestRank = UInt64.max
        for node in 0..<nodeCount where replicaCounts[node] < replicaTargets[node] {
            guard slotOf(node: node, in: vnode) == nil else { continue }
            let rank = receiverRank(node: node, vnode: vnode, ignoring: leaving)
            if rank < bestRank {
                best = node
                bestRank = rank
            }
        }
        return best
    }

    /// Smaller is better: zone clash (bit 63), host clash (bit 62), not the returning node's home
    /// (bit 61), then count minus target (bits 32...59, offset to stay positive: the largest
    /// deficit wins), then a hash of (vnode, node) that spreads equal candidates.
    private func receiverRank(node: Int, vnode: Int, ignoring: Int?) -> UInt64 {
        var rank: UInt64 = 0
        if clashes(node: node, in: vnode, level: zoneOf, ignoring: ignoring) { rank |= 1 << 63 }
        if clashes(node: node, in: vnode, level: hostOf, ignoring: ignoring) { rank |= 1 << 62 }
        if !(node == returningNode && homeVnodes.contains(vnode)) { rank |= 1 << 61 }
        // |count - target| ≤ vnodes × replicas < 2^23, so the offset 2^27 keeps it in 28 bits.
        rank |= UInt64(replicaCounts[node] - replicaTargets[node] + (1 << 27)) << 32
        rank |= VnodeHash.fmix64(UInt64(vnode) << 20 | UInt64(node)) & 0xffff_ffff
        return rank
    }

    /// Which nodes get the ceiling of the mean is a choice, not a requirement: when every node
    /// below target already holds this vnode, a node at a floor target that lacks it may take
    /// the ceiling over from a node below a ceiling target. Both stay within floor...ceil.
    private mutating func retargetedReceiver(vnode: Int) -> Int? {
        let floor = vnodeCount * width / nodeCount
        guard let giver = (0..<nodeCount).first(where: {
            replicaTargets[$0] == floor + 1 && replicaCounts[$0] < replicaTargets[$0]
        }) else { return nil }
        var best: Int? = nil
        var bestRank = UInt64.max
        for node in 0..<nodeCount where replicaTargets[node] == floor && replicaCounts[node] == floor {
            guard slotOf(node: node, in: vnode) == nil else { continue }
            let rank = receiverRank(node: node, vnode: vnode, ignoring: nil)
            if rank < bestRank {
                best = node
                bestRank = rank
            }
        }
        guard let best else { return nil }
        replicaTargets[giver] -= 1
        replicaTargets[best] += 1
        return best
    }

    /// Every node below target already holds this vnode. Look for a chain of fresh slots (copies
    /// not made yet): vnode x0 (the hole) takes node B1 from a fresh slot of x1, x1 takes B2 from
    /// x2, ..., and the last vnode takes a node below target. Only fresh slots change hands, so
    /// the chain costs no transfer beyond the one the hole needs. Breadth-first over vnodes.
    private mutating func fillByChain(vnode start: Int, slot startSlot: Int) -> Bool {
        var cameFrom = Array(repeating: (vnode: -1, slot: -1), count: vnodeCount)
        var visited = Array(repeating: false, count: vnodeCount)
        visited[start] = true
        var queue = [start]
        var head = 0
        while head < queue.count && head < Placement.chainSearchStepsMax {
            let needing = queue[head]
            head += 1
            for giver in 0..<vnodeCount where !visited[giver] {
                for giverSlot in 0..<width where isFresh[giver * width + giverSlot] {
                    let node = Int(slots[giver * width + giverSlot])
                    guard slotOf(node: node, in: needing) == nil else { continue }
                    visited[giver] = true
                    cameFrom[giver] = (needing, giverSlot)
                    if let receiver = bestReceiver(vnode: giver, excluding: nil) {
                        applyChain(start: start, startSlot: startSlot, end: giver, receiver: receiver, cameFrom: cameFrom)
                        return true
                    }
                    queue.append(giver)
                    break
                }
            }
        }
        return false
    }

    /// Walks the chain back from its end: each vnode's giving slot takes the node from the next
    /// vnode down the chain, and the end's giving slot takes `receiver`.
    private mutating func applyChain(
        start: Int, startSlot: Int, end: Int, receiver: Int, cameFrom: [(vnode: Int, slot: Int)]
    ) {
        var path: [(vnode: Int, slot: Int)] = []
        var vnode = end
        while vnode != start {
            path.append((vnode, cameFrom[vnode].slot))
            vnode = cameFrom[vnode].vnode
        }
        path.reverse()
        var openVnode = start
        var openSlot = startSlot
        for (giver, giverSlot) in path {
            slots[openVnode * width + openSlot] = slots[giver * width + giverSlot]
            isFresh[openVnode * width + openSlot] = true
            openVnode = giver
            openSlot = giverSlot
        }
        assign(node: receiver, vnode: openVnode, slot: openSlot)
    }

    /// Last resort when no fresh chain exists.
    /// Every node below target already holds this vnode. Take a node `U` below target, a vnode
    /// `other` without `U` holding some node `A` that this vnode lacks; `A` moves here and `U`
    /// takes its place. `A` keeps its count, `U` gains one. Such an `other` always exists: `U` is
    /// below a target of at most `vnodeCount`, and `other` holds `width` nodes while this vnode
    /// holds at most `width - 2` besides `U`.
    /// A slot filled earlier in this placement is preferred as `A`'s old place: that copy was not
    /// made yet, so redirecting it to `U` costs no extra transfer.
    private mutating func fillBySwap(vnode: Int, slot: Int) {
        let under = (0..<nodeCount).first { replicaCounts[$0] < replicaTargets[$0] }!
        for freshOnly in [true, false] {
            for other in 0..<vnodeCount where other != vnode && slotOf(node: under, in: other) == nil {
                for otherSlot in (0..<width).reversed() where isFresh[other * width + otherSlot] || !freshOnly {
                    let node = Int(slots[other * width + otherSlot])
                    guard node != Int(Placement.hole), slotOf(node: node, in: vnode) == nil else { continue }
                    replicaCounts[node] -= 1
                    assign(node: under, vnode: other, slot: otherSlot)
                    assign(node: node, vnode: vnode, slot: slot)
                    return
                }
            }
        }
        preconditionFailure("no swap fills vnode \(vnode): placement invariant broken")
    }

    private mutating func assign(node: Int, vnode: Int, slot: Int) {
        slots[vnode * width + slot] = Int32(node)
        isFresh[vnode * width + slot] = true
        replicaCounts[node] += 1
    }

    private func slotOf(node: Int, in vnode: Int) -> Int? {
        for slot in 0..<width where slots[vnode * width + slot] == Int32(node) { return slot }
        return nil
    }

    /// Whether another replica of `vnode` (other than `node` and `ignoring`) shares `node`'s label.
    private func clashes(node: Int, in vnode: Int, level labels: [Int32], ignoring: Int? = nil) -> Bool {
        let label = labels[node]
        guard label >= 0 else { return false }
        for slot in 0..<width {
            let other = Int(slots[vnode * width + slot])
            guard other != Int(Placement.hole), other != node, other != ignoring else { continue }
            if labels[other] == label { return true }
        }
        return false
    }

    private func isHomeForReturning(_ vnode: Int) -> Bool {
        guard let returningNode else { return false }
        return homeVnodes.contains(vnode) && slotOf(node: returningNode, in: vnode) == nil
    }
}

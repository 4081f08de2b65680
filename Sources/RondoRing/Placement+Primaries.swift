extension Placement {
    /// Chooses the primary of every vnode among its replicas so that each node's primary count
    /// is floor or ceil of the mean. Only swaps slot 0 with a secondary: a promotion, never a move.
    mutating func balancePrimaries() {
        promoteExistingCopies()
        primaryCounts = Array(repeating: 0, count: nodeCount)
        for vnode in 0..<vnodeCount { primaryCounts[Int(slots[vnode * width])] += 1 }
        primaryTargets = targetsForPrimaries()
        // Promote holders of existing copies first; a fresh copy becomes primary only when balance
        // cannot be reached otherwise. Preferred primaries stay in place in a first pass and
        // give way only when balance needs it.
        let passes = preferredPrimary.isEmpty
            ? [(allowFresh: false, keepPreferred: false), (true, false)]
            : [(false, true), (false, false), (true, false)]
        for (allowFresh, keepPreferred) in passes {
            promoteDirectly(allowFresh: allowFresh, keepPreferred: keepPreferred)
            while promoteAlongPath(allowFresh: allowFresh, keepPreferred: keepPreferred) {}
        }
    }

    /// Whether `vnode`'s primary is the one the caller prefers, so a pass keeping preferred
    /// primaries must not move it.
    private func isPreferredPrimary(_ vnode: Int) -> Bool {
        preferredPrimary[vnode] == slots[vnode * width]
    }

    private func targetsForPrimaries() -> [Int] {
        let base = vnodeCount / nodeCount
        let extra = vnodeCount % nodeCount
        let order = (0..<nodeCount).sorted { left, right in
            primaryCounts[left] != primaryCounts[right]
                ? primaryCounts[left] > primaryCounts[right] : left < right
        }
        var targets = Array(repeating: base, count: nodeCount)
        for rank in 0..<extra { targets[order[rank]] = base + 1 }
        return targets
    }

    /// A primary slot filled by a fresh copy hands the role to a secondary that already holds the
    /// data, so that the vnode stays served by a complete copy.
    private mutating func promoteExistingCopies() {
        for vnode in 0..<vnodeCount where isFresh[vnode * width] {
            let holding = (1..<width).filter { !isFresh[vnode * width + $0] }
            let preferred = holding.first { slots[vnode * width + $0] == preferredPrimary[vnode] }
            if let slot = preferred ?? holding.first {
                swapWithPrimary(vnode: vnode, slot: slot)
            }
        }
    }

    /// For each vnode whose primary is above target, promote a secondary below target, preferring
    /// the returning node on its home vnodes, then copies that exist already.
    private mutating func promoteDirectly(allowFresh: Bool, keepPreferred: Bool) {
        for vnode in 0..<vnodeCount {
            let primary = Int(slots[vnode * width])
            guard primaryCounts[primary] > primaryTargets[primary], !(keepPreferred && isPreferredPrimary(vnode)) else {
                continue
            }
            var best: Int? = nil
            var bestKey = (0, 0, 0)
            for slot in 1..<max(width, 1) {
                let node = Int(slots[vnode * width + slot])
                guard primaryCounts[node] < primaryTargets[node],
                    allowFresh || !isFresh[vnode * width + slot]
                else { continue }
                let key = (
                    node == returningNode && homeVnodes.contains(vnode) ? 0 : 1,
                    isFresh[vnode * width + slot] ? 1 : 0,
                    slot
                )
                if best == nil || key < bestKey {
                    best = slot
                    bestKey = key
                }
            }
            guard let best else { continue }
            let node = Int(slots[vnode * width + best])
            swapWithPrimary(vnode: vnode, slot: best)
            primaryCounts[primary] -= 1
            primaryCounts[node] += 1
        }
    }

    /// Breadth-first search from the nodes above target for a chain node0 →(vnode1) node1 → … →
    /// nodeK, where node(i) is primary of vnode(i+1) and node(i+1) a secondary of it, ending at
    /// a node below target. Swapping along the chain moves one primary from node0 to nodeK and
    /// leaves the others unchanged. Returns false when balanced or when no chain exists.
    private mutating func promoteAlongPath(allowFresh: Bool, keepPreferred: Bool) -> Bool {
        let over = (0..<nodeCount).filter { primaryCounts[$0] > primaryTargets[$0] }
        guard !over.isEmpty else { return false }
        var primaryVnodes = Array(repeating: [Int](), count: nodeCount)
        for vnode in 0..<vnodeCount { primaryVnodes[Int(slots[vnode * width])].append(vnode) }
        var reachedFrom = Array(repeating: -1, count: nodeCount)
        var reachedVia = Array(repeating: (vnode: -1, slot: -1), count: nodeCount)
        var visited = Array(repeating: false, count: nodeCount)
        var queue = over
        for node in over { visited[node] = true }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for vnode in primaryVnodes[node] where !(keepPreferred && isPreferredPrimary(vnode)) {
                for slot in 1..<max(width, 1) {
                    let next = Int(slots[vnode * width + slot])
                    guard !visited[next], allowFresh || !isFresh[vnode * width + slot] else { continue }
                    visited[next] = true
                    reachedFrom[next] = node
                    reachedVia[next] = (vnode, slot)
                    if primaryCounts[next] < primaryTargets[next] {
                        applyChain(endingAt: next, reachedFrom: reachedFrom, reachedVia: reachedVia)
                        return true
                    }
                    queue.append(next)
                }
            }
        }
        return false
    }

    private mutating func applyChain(
        endingAt end: Int, reachedFrom: [Int], reachedVia: [(vnode: Int, slot: Int)]
    ) {
        primaryCounts[end] += 1
        var node = end
        while reachedFrom[node] >= 0 {
            let via = reachedVia[node]
            swapWithPrimary(vnode: via.vnode, slot: via.slot)
            node = reachedFrom[node]
        }
        primaryCounts[node] -= 1
    }

    private mutating func swapWithPrimary(vnode: Int, slot: Int) {
        slots.swapAt(vnode * width, vnode * width + slot)
        isFresh.swapAt(vnode * width, vnode * width + slot)
    }
}

import RondoCluster
import RondoCoordinator
import RondoCore
import RondoPeer
import RondoRing

/// Vnode transfers: the coordinator's order reaches the source, which makes the target a pending
/// replica on the vnode's primary (when it is the primary) and streams the snapshot through the
/// node's scheduler and throttle; the target imports it, replays, and reports completion.
extension SimulatedCluster {
    static let batchesPerStepMax = 4

    func startTransfer(_ order: TransferOrder, at node: SimulatedNode) {
        let target = MemberID(order.targetMemberID)
        node.memberIDs[order.target] = target
        let key = ScheduledTransfer(vnode: order.vnode, target: target)
        // A repeated order (a retry, or a restarted coordinator) replaces the running copy.
        if node.outgoing.removeValue(forKey: key) != nil { startScheduled(node.scheduler.finished(key), at: node) }
        request(key, to: order.target, at: node)
    }

    /// The primary's own answer to `.rebuildRequired`: copy the vnode to the listed replica whose
    /// copy cannot be trusted, as a transfer the coordinator did not order (it has no event for it).
    func startRebuild(of vnode: Int, to member: MemberID, at node: SimulatedNode) {
        let key = ScheduledTransfer(vnode: vnode, target: member)
        guard node.primaries[vnode] != nil, node.outgoing[key] == nil, node.pendingTransfers[key] == nil,
            let targetNode = node.directory[member]
        else { return }
        request(key, to: targetNode, at: node)
    }

    private func request(_ key: ScheduledTransfer, to targetNode: NodeID, at node: SimulatedNode) {
        node.pendingTransfers[key] = targetNode
        do {
            startScheduled(try node.scheduler.request(key), at: node)
        } catch {
            node.pendingTransfers[key] = nil
            send(.transferFailed(vnode: key.vnode, reason: "\(error)"), from: targetNode, to: Self.coordinatorID)
        }
    }

    private func startScheduled(_ transfers: [ScheduledTransfer], at node: SimulatedNode) {
        for transfer in transfers {
            guard let targetNode = node.pendingTransfers.removeValue(forKey: transfer) else { continue }
            let snapshotSequence: UInt64
            if var primary = node.primaries[transfer.vnode] {
                snapshotSequence = primary.beginTransfer(to: transfer.target, now: clusterNow)
                node.primaries[transfer.vnode] = primary
            } else {
                // A source that is not the vnode's primary cannot make the target a pending
                // replica on the primary, nor tell when it counts: refused, named (see
                // docs/simulation.md); the coordinator retries within its limits.
                knownGap("transfer-source-not-primary")
                send(.transferFailed(vnode: transfer.vnode, reason: "source is not the primary"), from: targetNode, to: Self.coordinatorID)
                startScheduled(node.scheduler.finished(transfer), at: node)
                continue
            }
            let source = VnodeTransferSource(
                vnode: transfer.vnode, store: node.store, snapshotSequence: snapshotSequence,
                configuration: configuration.transferSource)
            node.outgoing[transfer] = SimulatedNode.OutgoingTransfer(source: source, targetNode: targetNode)
        }
    }

    /// Sends what the throttle allows of each outgoing transfer.
    func pumpTransfers(of node: SimulatedNode) {
        for key in node.outgoing.keys.sorted(by: { ($0.vnode, $0.target) < ($1.vnode, $1.target) }) {
            for _ in 0..<Self.batchesPerStepMax {
                guard var outgoing = node.outgoing[key] else { break }
                let action = outgoing.source.nextBatch(now: clusterNow, throttle: &node.throttle)
                node.outgoing[key] = outgoing
                if case .send(let batch) = action {
                    send(.transfer(batch), from: node.nodeID, to: outgoing.targetNode)
                    continue
                }
                if case .finished = action {
                    node.transferBytes[key] = UInt64(outgoing.source.bodyBytesSent)
                    node.outgoing[key] = nil
                    startScheduled(node.scheduler.finished(key), at: node)
                }
                break
            }
        }
    }

    func receiveTransfer(_ batch: TransferBatch, at node: SimulatedNode, from sender: NodeID) {
        let vnode = Int(batch.vnode)
        if (try? batch.batchIndex()) == 0 {
            // A new transfer: the snapshot replaces whatever copy this node had.
            node.appliers[vnode] = nil
            node.incoming[vnode] = SimulatedNode.IncomingTransfer(target: VnodeTransferTarget(vnode: vnode, store: node.store))
        }
        guard var incoming = node.incoming[vnode], !incoming.target.isCaughtUp else { return }
        do {
            let actions = try incoming.target.receive(TransferBatch(decoding: batch.frame()))
            node.incoming[vnode] = incoming
            // The snapshot's ack goes on the stream: on an idle vnode no later entry would bring
            // another ack if this one were lost, and the transfer would wait for its timeout.
            // The source is the primary that began the transfer (others are refused).
            let primary = sender
            for case .acknowledge(let vnode, let through) in actions {
                send(.replicaHello(vnode: vnode, appliedThrough: through, epoch: 0), from: node.nodeID, to: primary)
            }
            performReplica(actions.filter { if case .acknowledge = $0 { return false } else { return true } }, at: node, primary: primary)
        } catch {
            node.incoming[vnode] = nil
            send(.transferFailed(vnode: vnode, reason: "\(error)"), from: node.nodeID, to: Self.coordinatorID)
        }
    }

    /// The target holds the snapshot and every entry after it: from now on an ordinary replica.
    /// The primary, not the target, reports the transfer complete (`.transferTargetCaughtUp`).
    func finishIncomingTransfer(vnode: Int, sequence: UInt64, at node: SimulatedNode) {
        guard let incoming = node.incoming.removeValue(forKey: vnode), let applier = incoming.target.replicaApplier else { return }
        node.appliers[vnode] = applier
    }

    /// The primary's replicator counts the target now: the coordinator may switch. The word goes
    /// through the target (see `transferCountsNow`).
    func reportTransferCompleted(vnode: Int, member: MemberID, sequence: UInt64, at node: SimulatedNode) {
        guard let target = node.directory[member] ?? node.memberIDs.first(where: { $0.value == member })?.key else { return }
        let bytes = node.transferBytes.removeValue(forKey: ScheduledTransfer(vnode: vnode, target: member)) ?? 0
        send(.transferCountsNow(vnode: vnode, sequence: sequence, bytes: bytes), from: node.nodeID, to: target)
    }

    /// At the target: report completion if it still holds the copy.
    func confirmTransfer(vnode: Int, sequence: UInt64, bytes: UInt64, at node: SimulatedNode) {
        guard node.appliers[vnode] != nil || node.incoming[vnode]?.target.isCaughtUp == true else { return }
        send(.transferCompleted(vnode: vnode, sequence: sequence, bytes: bytes), from: node.nodeID, to: Self.coordinatorID)
    }

    /// A peer's connections closed (it crashed): its transfers are over and what the primaries
    /// knew of it must be relearned.
    func forgetPeer(_ peer: NodeID, at node: SimulatedNode) {
        guard let member = node.memberIDs[peer] else { return }
        for vnode in node.primaries.keys.sorted() { node.primaries[vnode]!.connectionReset(member) }
        for key in node.outgoing.keys.sorted(by: { $0.vnode < $1.vnode }) where node.outgoing[key]!.targetNode == peer {
            node.outgoing[key] = nil
            startScheduled(node.scheduler.finished(key), at: node)
        }
    }
}

import RondoCluster
import RondoCore
import RondoPeer
import RondoRing

/// Vnode transfers. The coordinator's order reaches the source, which must be the vnode's
/// primary: it makes the target a pending replica (`beginTransfer`) and streams the snapshot
/// through the node's scheduler and throttle. The target imports it, replays, and once the
/// primary counts it (`.transferTargetCaughtUp`) the primary tells the target
/// (`transferCountsNow`), which reports completion on its own coordinator connection.
extension ClusterNode {
    func startTransfer(_ order: NodeTransferOrder, now: ClusterInstant) {
        memberIDs[order.target] = order.targetMemberID
        let key = ScheduledTransfer(vnode: order.vnode, target: order.targetMemberID)
        // A repeated order (a retry, or a restarted coordinator) replaces the running copy.
        if outgoing.removeValue(forKey: key) != nil { startScheduled(scheduler.finished(key), now: now) }
        let rate = Int(clamping: min(max(order.bytesPerSecond, 1), UInt64(TransferThrottle.bytesPerSecondMax)))
        request(key, PendingTransfer(targetNode: order.target, orderedBytesPerSecond: rate), now: now)
    }

    /// The primary's own answer to `.rebuildRequired`: copy the vnode to the listed replica whose
    /// copy cannot be trusted, as a transfer the coordinator did not order (it has no event for it).
    func startRebuild(of vnode: Int, to member: MemberID, now: ClusterInstant) {
        let key = ScheduledTransfer(vnode: vnode, target: member)
        guard primaries[vnode] != nil, outgoing[key] == nil, pendingTransfers[key] == nil,
            let targetNode = directory[member]?.nodeID
        else { return }
        request(key, PendingTransfer(targetNode: targetNode, orderedBytesPerSecond: nil), now: now)
    }

    private func request(_ key: ScheduledTransfer, _ pending: PendingTransfer, now: ClusterInstant) {
        pendingTransfers[key] = pending
        do {
            startScheduled(try scheduler.request(key), now: now)
        } catch {
            pendingTransfers[key] = nil
            emit(.sendToCoordinator(.transferFailed(vnode: key.vnode, target: pending.targetNode, reason: "\(error)")))
        }
    }

    func startScheduled(_ transfers: [ScheduledTransfer], now: ClusterInstant) {
        for transfer in transfers {
            guard let pending = pendingTransfers.removeValue(forKey: transfer) else { continue }
            let targetNode = pending.targetNode
            guard var primary = primaries[transfer.vnode] else {
                // A source that is not the vnode's primary cannot make the target a pending
                // replica on the primary, nor tell when it counts: refused, named (see
                // docs/simulation.md); the coordinator retries within its limits.
                emit(.incident(.transferSourceNotPrimary(vnode: transfer.vnode)))
                emit(.sendToCoordinator(.transferFailed(vnode: transfer.vnode, target: targetNode, reason: "source is not the primary")))
                startScheduled(scheduler.finished(transfer), now: now)
                continue
            }
            let snapshotSequence = primary.beginTransfer(to: transfer.target, now: now)
            primaries[transfer.vnode] = primary
            primariesWrittenSinceFlush.insert(transfer.vnode)
            let source = VnodeTransferSource(
                vnode: transfer.vnode, store: store, snapshotSequence: snapshotSequence, configuration: configuration.transferSource)
            let orderedRate = pending.orderedBytesPerSecond.map {
                TransferThrottle(bytesPerSecond: $0, burstBytes: configuration.transferBurstBytes, now: now)
            }
            outgoing[transfer] = OutgoingTransfer(source: source, targetNode: targetNode, orderedRate: orderedRate)
        }
    }

    /// Sends what the throttles allow of the outgoing transfers, at most
    /// `transferBatchesPerPumpMax` batches; `transferBatchesMayBeReady` tells whether it stopped at
    /// that budget (so another pump may send more at once) rather than at the throttles.
    func sendTransferBatches(now: ClusterInstant) {
        var budget = configuration.transferBatchesPerPumpMax
        transferBatchesMayBeReady = false
        for key in outgoing.keys.sorted(by: { ($0.vnode, $0.target) < ($1.vnode, $1.target) }) {
            while var transfer = outgoing[key] {
                if let sendableAt = transfer.orderedRate?.sendableAt(now: now), sendableAt > now {
                    outgoing[key] = transfer
                    break
                }
                guard budget > 0 else {
                    transferBatchesMayBeReady = true
                    return
                }
                let action = transfer.source.nextBatch(now: now, throttle: &throttle)
                if case .send(let batch) = action { transfer.orderedRate?.consume(bytes: batch.items.readableBytes, now: now) }
                outgoing[key] = transfer
                switch action {
                case .send(let batch):
                    budget -= 1
                    emit(.sendToPeer(transfer.targetNode, .transfer(batch)))
                    // Finished with its last batch, not at a later pump: the target may catch up
                    // and be counted before then, and the completion would report 0 bytes.
                    if batch.isLast { finishOutgoing(key, now: now) }
                case .finished:
                    finishOutgoing(key, now: now)
                case .waitUntil:
                    // The node's own throttle: no other transfer may send either.
                    return
                }
            }
        }
    }

    /// Another pump of the outgoing transfers, between two ticks (see `transferBatchesMayBeReady`).
    public func pumpTransfers(now: ClusterInstant) -> [NodeEffect] {
        sendTransferBatches(now: now)
        return drainEffects()
    }

    private func finishOutgoing(_ key: ScheduledTransfer, now: ClusterInstant) {
        guard let transfer = outgoing.removeValue(forKey: key) else { return }
        transferBytes[key] = UInt64(transfer.source.bodyBytesSent)
        startScheduled(scheduler.finished(key), now: now)
    }

    func receiveTransfer(_ batch: TransferBatch, from sender: NodeID, now: ClusterInstant) {
        let vnode = Int(batch.vnode)
        if (try? batch.batchIndex()) == 0 {
            // A new transfer: the snapshot replaces whatever copy this node had.
            finishPendingDrop(of: vnode)
            appliers[vnode] = nil
            incoming[vnode] = VnodeTransferTarget(vnode: vnode, store: store)
        }
        guard var target = incoming[vnode], !target.isCaughtUp else { return }
        do {
            let actions = try target.receive(batch)
            incoming[vnode] = target
            // The snapshot's ack goes on the stream (as a replica hello of epoch 0): on an idle
            // vnode no later entry would bring another ack if this one were lost, and the transfer
            // would wait for its timeout. The source is the primary that began the transfer.
            // A catch-up request is that ack too: the entries that waited for the snapshot had a
            // gap (one sent before the transfer's first batch reached this node is dropped). Sent
            // as an ordinary ack, the primary — which, while the transfer is pending, counts
            // nothing but the snapshot ack — ignored it, and the transfer hung until its timeout.
            for action in actions {
                guard let ack = action.replicationAck else { continue }
                emit(.sendToPeer(sender, .replicaHello(vnode: vnode, appliedThrough: ack.acknowledgedSequence, epoch: 0)))
            }
            performReplica(actions.filter { $0.replicationAck == nil }, primary: sender)
        } catch {
            incoming[vnode] = nil
            emit(.sendToCoordinator(.transferFailed(vnode: vnode, target: nodeID, reason: "\(error)")))
        }
    }

    /// The target holds the snapshot and every entry after it: from now on an ordinary replica.
    func finishIncomingTransfer(vnode: Int) {
        guard let target = incoming.removeValue(forKey: vnode), let applier = target.replicaApplier else { return }
        appliers[vnode] = applier
    }

    /// The primary's replicator counts the target now: the coordinator may switch. The word goes
    /// through the target (`transferCountsNow`), whose crash breaks the stream.
    func reportTransferCompleted(vnode: Int, member: MemberID, sequence: UInt64) {
        guard let target = node(of: member) else { return }
        let bytes = transferBytes.removeValue(forKey: ScheduledTransfer(vnode: vnode, target: member)) ?? 0
        emit(.sendToPeer(target, .transferCountsNow(vnode: vnode, sequence: sequence, bytes: bytes)))
    }

    /// At the target: report completion if it still holds the copy.
    func confirmTransfer(vnode: Int, sequence: UInt64, bytes: UInt64) {
        guard appliers[vnode] != nil || incoming[vnode]?.isCaughtUp == true else { return }
        emit(.sendToCoordinator(.transferCompleted(vnode: vnode, sequence: sequence, bytes: bytes)))
    }
}

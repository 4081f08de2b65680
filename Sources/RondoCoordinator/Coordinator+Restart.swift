import RondoCore
import RondoRing

extension Coordinator {
    /// Resumes from the persisted state. `epochsReportedByNodes` are the table epochs the nodes
    /// hold (from their reconnects or a status round); if one is above the persisted epoch, the
    /// table is republished above it so that nodes accept it. Transfers that were in flight are
    /// queued again (their end may have been lost), and every live member gets `downAfter` from
    /// now to reconnect before it can be declared down.
    public mutating func restarted(
        epochsReportedByNodes: [NodeID: UInt64], nowMilliseconds now: Int64
    ) -> [CoordinatorAction] {
        guard isRecovering else { return [.log(.warning, "restarted ignored: the coordinator is already serving")] }
        markServing()
        return run("restarted") { coordinator, out in
            coordinator.resume(epochsReportedByNodes: epochsReportedByNodes, now: now, out: &out)
        }
    }

    private mutating func resume(epochsReportedByNodes: [NodeID: UInt64], now: Int64, out: inout [CoordinatorAction]) {
        for node in state.members.keys {
            state.members[node]?.connected = false
            state.members[node]?.lastHeartbeatMilliseconds = now
        }
        for (replica, progress) in state.copies {
            if case .inFlight(let transfer) = progress {
                state.copies[replica] = .waiting(attempts: transfer.attempt - 1)
            }
        }
        let reported = epochsReportedByNodes.values.max() ?? 0
        if let table = state.table, reported > table.epoch {
            let epoch = reported + 1
            do {
                let republished = try table.withEpoch(epoch)
                let shift = epoch - table.epoch
                state.table = nil
                publish(republished, out: &out)
                if let target = state.target { state.target = try target.withEpoch(target.epoch + shift) }
                out.append(.log(.warning, "nodes reported epoch \(reported) at or above the persisted \(table.epoch): republished at \(epoch)"))
            } catch {
                out.append(.log(.error, "could not republish above epoch \(reported): \(error)"))
            }
        }
        out.append(.log(.info, "resumed at epoch \(state.epoch) with \(state.copies.count) copies to make"))
        replan(now: now, resettingFailed: false, out: &out)
        resumeUpgrade(now: now, out: &out)
    }
}

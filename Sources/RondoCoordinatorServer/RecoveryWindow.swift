import RondoCore
import RondoPeer
import RondoPeerTransport

/// After a restart, the coordinator holds every Hello until each persisted live member said hello
/// or `downAfter` passed, so that `restarted(epochsReportedByNodes:)` sees the table epochs the
/// nodes hold before any of them is admitted.
struct RecoveryWindow {
    var held: [(connection: PeerConnection, hello: Hello)] = []
    var waitingFor: Set<NodeID>
    let deadlineMilliseconds: Int64

    mutating func hold(_ connection: PeerConnection, _ hello: Hello) {
        held.append((connection, hello))
        if hello.role == .node { waitingFor.remove(hello.nodeID) }
    }

    func isOver(nowMilliseconds now: Int64) -> Bool {
        waitingFor.isEmpty || now >= deadlineMilliseconds
    }

    /// The newest table epoch each node reported.
    var reportedEpochs: [NodeID: UInt64] {
        var epochs: [NodeID: UInt64] = [:]
        for (_, hello) in held where hello.role == .node {
            if let epoch = hello.tableEpoch { epochs[hello.nodeID] = max(epochs[hello.nodeID] ?? 0, epoch) }
        }
        return epochs
    }
}

import RondoCore
import RondoNode

/// Performing what a node's `ClusterNode` asks: what the runtime does with the same effects on
/// real connections.
extension SimulatedCluster {
    func perform(_ effects: [NodeEffect], at node: SimulatedNode) {
        for effect in effects {
            switch effect {
            case .sendToPeer(let peer, let message):
                send(.node(message), from: node.nodeID, to: peer)
            case .sendToCoordinator(let message):
                send(.node(message), from: node.nodeID, to: Self.coordinatorID)
            case .completeWrite(let id):
                guard let write = node.pendingWrites.removeValue(forKey: id) else { continue }
                answer(write.requestID, write.reply, from: node, to: write.entryNode)
            case .failWrite(let id, let error):
                guard let write = node.pendingWrites.removeValue(forKey: id) else { continue }
                answer(write.requestID, .failed("\(error)"), from: node, to: write.entryNode)
            case .tableInstalled:
                counters.tablesInstalled += 1
            case .rebuildRequested:
                counters.rebuildRequests += 1
            case .incident(let incident):
                if let gap = incident.knownGapName {
                    knownGap(gap)
                } else {
                    violation("\(node.nodeID): \(incident)")
                }
            }
        }
    }
}

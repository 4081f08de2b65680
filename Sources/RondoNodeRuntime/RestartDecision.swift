import RondoCore
import RondoPeer

/// What a node does with a `RestartNode` order, decided without touching the process: refuse an
/// order meant for another node, only note an external restart, or re-execute a binary in place.
public enum RestartDecision: Equatable, Sendable {
    /// The order names another node: refused (logged), the node keeps serving.
    case refuse(reason: String)
    /// An operator or a service manager restarts the node; it keeps serving meanwhile (it is
    /// released and holds nothing).
    case awaitExternalRestart
    /// Drain, close the cluster sessions and execute `binaryPath` (nil: the node's own binary).
    case reexecute(binaryPath: String?)

    public static func decide(_ order: RestartNode, localNode: NodeID) -> RestartDecision {
        guard order.node == localNode else {
            return .refuse(reason: "the restart order names \(order.node), this node is \(localNode)")
        }
        switch order.mode {
        case .external: return .awaitExternalRestart
        case .inPlace: return .reexecute(binaryPath: order.binaryPath)
        }
    }
}

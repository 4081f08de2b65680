import Logging
import RondoPeer

/// The node's side of a rolling upgrade's restart step: the coordinator released this node (it
/// holds no vnode) and orders it to restart on the new version.
extension ClusterLoop {
    func restartOrdered(_ order: RestartNode) {
        let metadata: Logger.Metadata = [
            "binary": "\(order.binaryPath ?? RestartPlan.ownExecutable)", "mode": "\(order.mode)",
            "timeout_ms": "\(order.timeoutMilliseconds)",
        ]
        switch RestartDecision.decide(order, localNode: configuration.nodeID) {
        case .refuse(let reason):
            logger.error("restart order refused", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        case .awaitExternalRestart:
            // Nothing to do but say so: the node is released and holds nothing, so an operator
            // or a service manager may stop and start it at any time.
            logger.notice("awaiting an external restart (released, holding no data); still serving", metadata: metadata)
        case .reexecute(let binaryPath):
            guard !isRestarting else {
                logger.info("restart order repeated while restarting; ignored", metadata: metadata)
                return
            }
            guard let restartInPlace else {
                logger.error("restart order refused: this process cannot restart in place", metadata: metadata)
                return
            }
            logger.notice("restart in place ordered", metadata: metadata)
            // The owner logs why it could not; the node then stays released and serving, and the
            // coordinator's restart deadline pauses the upgrade with a reason.
            isRestarting = restartInPlace(binaryPath)
        }
    }
}

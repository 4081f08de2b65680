import Logging
import NIOCore
import RondoCluster
import RondoCore
import RondoNode
import RondoPeer
import RondoPeerTransport
import RondoRing

/// The node's connections: its session with the coordinator, its own connections to peers (a
/// `PeerConnectionPool`) and the connections peers open to it (the `PeerListener`).
extension ClusterLoop {
    /// Every attempt says who this process is now: a fresh process holds no data; a reconnecting
    /// one reports the newest table it installed.
    /// `peerPort`: the port the peer listener bound (the configured one, or the kernel's pick).
    func coordinatorHello(clientPort: Int, peerPort: Int) -> Hello {
        Hello(
            clusterName: configuration.clusterName, nodeID: configuration.nodeID, role: .node, build: configuration.build,
            advertisedHost: configuration.host, clientPort: UInt16(clamping: clientPort), peerPort: UInt16(clamping: peerPort),
            holdsNoData: node.holdsNoData, tableEpoch: node.epoch)
    }

    func coordinatorEvent(_ event: PeerClientEvent) {
        guard !isStopped else { return }
        let now = self.now()
        switch event {
        case .connected(let session):
            isCoordinatorConnected = true
            let startEmpty = session.acceptance?.startEmpty ?? false
            logger.info(
                "joined the coordinator", metadata: ["coordinator": "\(session.peerNodeID)", "start_empty": "\(startEmpty)"])
            // The hello went out with the handshake; its acceptance is the answer.
            perform(node.coordinatorConnectionReset(now: now))
            perform(node.receiveFromCoordinator(.helloAnswer(accepted: true, startEmpty: startEmpty), now: now))
        case .message(let message):
            receivedFromCoordinator(message, now: now)
        case .disconnected(let reason, let retryIn):
            if isCoordinatorConnected {
                logger.warning(
                    "coordinator session lost; the node keeps serving",
                    metadata: ["reason": "\(reason)", "retry_in_ms": "\(retryIn.nanoseconds / 1_000_000)"])
            } else if case .protocolClose = reason {
                logger.warning("the coordinator refused this node", metadata: ["reason": "\(reason)"])
            } else {
                logger.debug("cannot reach the coordinator", metadata: ["reason": "\(reason)"])
            }
            isCoordinatorConnected = false
            node.coordinatorConnectionLost()
        }
    }

    private func receivedFromCoordinator(_ message: PeerInboundMessage, now: ClusterInstant) {
        if case .restartNode(let order) = message {
            restartOrdered(order)
            return
        }
        guard let nodeMessage = NodeMessage(fromCoordinator: message) else {
            if case .error(let error) = message {
                logger.info("error frame from the coordinator", metadata: ["code": "\(error.code)", "text": "\(error.text)"])
            }
            return
        }
        switch nodeMessage {
        case .table(let update):
            tableArrivedAt = (wall: NIODeadline.now(), cpuMicroseconds: ThreadCPUTime.nowMicroseconds())
            // The store is laid out for --vnodes: a table that divides the key space otherwise
            // would route keys to vnodes this store does not have.
            if let table = try? RoutingTable(decoding: update.encodedTable), table.vnodeCount.value != configuration.vnodeCount {
                let error = ClusterRuntimeError.vnodeCountMismatch(cluster: table.vnodeCount.value, node: configuration.vnodeCount)
                logger.error("\(error)")
                stop(error)
                return
            }
        case .transferOrder(let order):
            logger.info(
                "transfer ordered",
                metadata: ["vnode": "\(order.vnode)", "target": "\(order.target)", "attempt": "\(order.attempt)"])
            transfersStreaming[order.vnode] = (startedAt: now, bytes: 0)
        case .drop(let vnode):
            logger.info("dropping a copy", metadata: ["vnode": "\(vnode)"])
        default:
            break
        }
        perform(node.receiveFromCoordinator(nodeMessage, now: now))
    }

    // MARK: - Peers

    /// This node's own connection to `peer`.
    func peerEvent(_ peer: NodeID, _ event: PeerClientEvent) {
        guard !isStopped else { return }
        switch event {
        case .connected:
            connectedPeers.insert(peer)
            logger.info("peer connected", metadata: ["peer": "\(peer)"])
            releaseHeld(for: peer)
            perform(node.peerConnected(peer, now: now()))
            publishSnapshot()
        case .message(.forwardedReply(let answer)):
            // The hot path (every forwarded request's answer): no reply closure to build.
            forwardAnswered(answer, from: peer)
        case .message(let message):
            receivedFromPeer(message, from: peer, replyRoute: .peer(peer))
        case .disconnected(let reason, _):
            guard connectedPeers.remove(peer) != nil else {
                logger.debug("cannot reach peer", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
                return
            }
            logger.info("peer disconnected", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
            perform(node.peerConnectionReset(peer, now: now()))
            failForwards(to: peer, reason: "connection to \(peer) lost")
            publishSnapshot()
        }
    }

    /// A connection `peer` opened to this node.
    func listenerEvent(_ connection: PeerConnection, _ event: PeerChannelEvent) {
        guard !isStopped else {
            connection.close()
            return
        }
        switch event {
        case .admissionRequested:
            // The listener admits by policy; an owner-decided admission is not expected.
            connection.close()
        case .established(let session):
            let peer = session.peerNodeID
            inbound[connection.id] = (node: peer, connection: connection)
            logger.info("peer connected to this node", metadata: ["peer": "\(peer)"])
            releaseHeld(for: peer)
            // The peer (re)opened its connection: it may have reset what it knew of this node's
            // copies, so this node says again what it holds of the peer's vnodes.
            perform(node.peerConnected(peer, now: now()))
        case .message(let message):
            guard let peer = inbound[connection.id]?.node else { return }
            receivedFromPeer(message, from: peer, replyRoute: .connection(connection))
        case .closed(let reason):
            guard let entry = inbound.removeValue(forKey: connection.id) else { return }
            logger.info("peer connection to this node closed", metadata: ["peer": "\(entry.node)", "reason": "\(reason)"])
        }
    }

    private func receivedFromPeer(_ message: PeerInboundMessage, from peer: NodeID, replyRoute: ForwardedReplyRoute) {
        switch message {
        case .forwardedRequest(let request):
            serveForwarded(request, from: peer, replyRoute: replyRoute)
        case .forwardedReply(let answer):
            forwardAnswered(answer, from: peer)
        case .error(let error):
            logger.info("error frame from peer", metadata: ["peer": "\(peer)", "code": "\(error.code)", "text": "\(error.text)"])
        case .heartbeat:
            break
        default:
            guard let nodeMessage = NodeMessage(fromPeer: message) else {
                logger.debug("ignored a message a node does not take from a peer", metadata: ["peer": "\(peer)"])
                return
            }
            perform(node.receive(nodeMessage, from: peer, now: now()))
        }
    }
}

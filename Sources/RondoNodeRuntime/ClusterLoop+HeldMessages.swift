import RondoCluster
import RondoCore
import RondoPeer

/// Holding messages for peers that are not connected yet (`HeldPeerMessages`), and sending them,
/// in order, as soon as a connection to the peer exists.
extension ClusterLoop {
    /// Keeps `message` for `peer`. On overflow everything held for it is discarded and the peer
    /// is handled as unreachable (`peerConnectionReset`: transfers to it are abandoned and
    /// replication resynchronizes when it connects), which is what a broken stream means.
    func hold(_ message: any PeerMessage, for peer: NodeID) {
        var held = heldForPeers[peer] ?? HeldPeerMessages(since: now())
        guard held.hold(message) else {
            heldForPeers[peer] = nil
            logger.warning("too much waiting for an unconnected peer; discarded", metadata: ["peer": "\(peer)", "messages": "\(held.messages.count)"])
            perform(node.peerConnectionReset(peer, now: now()))
            return
        }
        heldForPeers[peer] = held
    }

    /// A connection to `peer` exists now: what waited goes first, in emission order.
    func releaseHeld(for peer: NodeID) {
        guard let held = heldForPeers.removeValue(forKey: peer) else { return }
        logger.debug("sending messages held for a peer", metadata: ["peer": "\(peer)", "messages": "\(held.messages.count)"])
        for message in held.messages { send(message, toPeer: peer) }
    }

    /// Called every tick: holds older than `HeldPeerMessages.ageMaxMilliseconds` are discarded.
    func expireHeld(now: ClusterInstant) {
        for (peer, held) in heldForPeers where held.isExpired(now: now) {
            heldForPeers[peer] = nil
            logger.warning("no connection to peer in time; held messages discarded", metadata: ["peer": "\(peer)", "messages": "\(held.messages.count)"])
            perform(node.peerConnectionReset(peer, now: now))
        }
    }
}

import NIOCore
import RondoCoordinator
import RondoPeer

extension RoutingTableUpdate {
    init(_ push: TablePush) {
        self.init(
            epoch: push.epoch, table: ByteBuffer(bytes: push.table),
            directory: push.directory.map { entry in
                PeerDirectoryEntry(
                    memberID: entry.memberID, nodeID: entry.nodeID,
                    clientHost: entry.addresses.client.host, clientPort: entry.addresses.client.port,
                    peerHost: entry.addresses.peer.host, peerPort: entry.addresses.peer.port)
            },
            activeFeatures: push.activeFeatures, finalizedVersion: push.finalizedVersion)
    }
}

extension TransferOrderMessage {
    init(_ order: TransferOrder) {
        self.init(
            vnode: order.vnode, source: order.source, target: order.target, targetMemberID: order.targetMemberID,
            bytesPerSecond: order.bytesPerSecond, attempt: UInt32(clamping: order.attempt))
    }
}

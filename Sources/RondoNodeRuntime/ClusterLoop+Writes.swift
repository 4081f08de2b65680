import NIOCore
import RondoCluster
import RondoGateway
import RondoNode
import RondoProtocol

/// Writes on vnodes this node is the primary of: admitted by the vnode's replicator, applied to the
/// store by the engine, then replicated; the reply waits until the write-ack policy is met.
extension ClusterLoop {
    /// `mayReroute`: a write whose vnode this node does not own is sent to the owner; false for a
    /// write that was routed here by this loop's own table (routing it again would loop).
    func executeLocalWrite(_ request: MemcachedRequest, promise: EventLoopPromise<ByteBuffer>, mayReroute: Bool = true) {
        guard !isStopped else { return promise.fail(GatewayFailure(reason: "the node is stopping")) }
        let keys: [ByteBuffer]
        switch ClusterRequestKind(request) {
        case .write(let written), .read(let written): keys = written
        case .flushLocally, .keyless: keys = []
        }
        for vnode in Set(keys.map { node.vnode(of: $0) }).sorted() {
            do {
                try node.admitWrite(vnode: vnode)
            } catch {
                switch error {
                case .notOwner(let epoch) where !mayReroute:
                    promise.fail(GatewayFailure(reason: "not the owner of vnode \(vnode) at epoch \(epoch)"))
                case .notOwner:
                    // The client loop routed with an older snapshot than this loop's table: route
                    // again from here.
                    reroute(request, promise: promise)
                case .replication(let refusal):
                    promise.fail(GatewayFailure(reason: refusal.description))
                }
                return
            }
        }
        guard localWrites.count < configuration.pendingWritesMax else {
            return promise.fail(GatewayFailure(reason: "too many writes waiting for replication"))
        }
        let before = keys.map { ItemFingerprint.of($0, in: store) }
        var reply = ByteBuffer()
        _ = engine.execute(request, into: &reply)
        let now = self.now()
        var waitingFor: Set<WriteID> = []
        var effects: [NodeEffect] = []
        var failure: String?
        for (index, key) in keys.enumerated() where ItemFingerprint.of(key, in: store) != before[index] {
            do {
                let (id, recorded) = try node.recordWrite(key: key, vnode: node.vnode(of: key), now: now)
                waitingFor.insert(id)
                effects += recorded
            } catch {
                failure = error.description
                break
            }
        }
        if waitingFor.isEmpty, failure == nil {
            // Nothing changed (a miss, a failed condition): nothing to replicate.
            promise.succeed(reply)
            return
        }
        nextLocalWriteID += 1
        let local = nextLocalWriteID
        localWrites[local] = PendingLocalWrite(reply: reply, waitingFor: waitingFor, promise: promise)
        for id in waitingFor { localWriteOfWriteID[id] = local }
        // Recorded before performing: a write-ack policy of `one` completes among these effects.
        perform(effects)
        if let failure { failLocalWrite(local, reason: failure) }
        scheduleReplicationFlush()
    }

    func completeWrite(_ id: WriteID) {
        guard let local = localWriteOfWriteID.removeValue(forKey: id), var write = localWrites[local] else { return }
        write.waitingFor.remove(id)
        guard write.waitingFor.isEmpty else {
            localWrites[local] = write
            return
        }
        localWrites[local] = nil
        write.promise.succeed(write.reply)
    }

    func failWrite(_ id: WriteID, reason: String) {
        guard let local = localWriteOfWriteID.removeValue(forKey: id) else { return }
        failLocalWrite(local, reason: reason)
    }

    private func failLocalWrite(_ local: UInt64, reason: String) {
        guard let write = localWrites.removeValue(forKey: local) else { return }
        for other in write.waitingFor { localWriteOfWriteID[other] = nil }
        write.promise.fail(GatewayFailure(reason: reason))
    }

    /// `flush_all`: here, then on every other member of the table (each applies it locally).
    func flushAll(delay: Int64, promise: EventLoopPromise<Void>) {
        var reply = ByteBuffer()
        _ = engine.execute(.flushAll(delay: delay, noreply: false), into: &reply)
        var encoded = ByteBuffer()
        do {
            try MemcachedRequest.flushAll(delay: delay, noreply: false).encode(into: &encoded)
        } catch {
            return promise.fail(GatewayFailure(reason: "flush_all cannot be forwarded"))
        }
        let others = node.directory.values.filter { $0.nodeID != node.nodeID }.sorted { $0.memberID < $1.memberID }
        let answers = others.map { member -> EventLoopFuture<ByteBuffer> in
            let answer = loop.makePromise(of: ByteBuffer.self)
            forward(encoded, to: member.memberID, promise: answer)
            return answer.futureResult
        }
        EventLoopFuture.whenAllSucceed(answers, on: loop).flatMapThrowing { replies in
            for (member, reply) in zip(others, replies) where reply.readableBytesView.starts(with: "OK".utf8) == false {
                throw GatewayFailure(reason: "flush_all failed on \(member.nodeID)")
            }
        }.cascade(to: promise)
    }
}

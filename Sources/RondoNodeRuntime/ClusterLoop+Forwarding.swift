import NIOCore
import RondoCluster
import RondoCore
import RondoGateway
import RondoNode
import RondoPeer
import RondoProtocol
import RondoRing

/// Requests between nodes: this node forwarding to a vnode's owner (with a timeout, and retries
/// after a `notOwner` answer), and this node serving what others forward to it.
extension ClusterLoop {
    // MARK: - Forwarding

    func forward(_ request: ByteBuffer, to member: MemberID, promise: EventLoopPromise<ByteBuffer>) {
        forward(request, to: member, completion: .promise(promise))
    }

    func forward(_ request: ByteBuffer, to member: MemberID, completion: ForwardCompletion) {
        guard !isStopped else { return completion.fail(GatewayFailure(reason: "the node is stopping")) }
        guard let peer = node.directory[member]?.nodeID else {
            return completion.fail(GatewayFailure(reason: "no address for member \(member)"))
        }
        guard forwards.count < configuration.pendingForwardsMax else {
            return completion.fail(GatewayFailure(reason: "too many forwarded requests in flight"))
        }
        nextForwardID += 1
        dispatch(
            PendingForward(request: request, peer: peer, completion: completion, retry: ForwardRetry(), deadline: nil),
            id: nextForwardID, to: peer)
    }

    /// Sends forward `id` — not in `forwards` or `retryingForwards`: new, or taken out to be sent
    /// again — to `peer` and records it with its deadline (one insertion, no lookup and copy on
    /// the hot path), or fails it at once when `peer` is unreachable.
    private func dispatch(_ forward: PendingForward, id: UInt64, to peer: NodeID) {
        guard connectedPeers.contains(peer) else {
            return forward.completion.fail(GatewayFailure(reason: "\(peer) is unreachable"))
        }
        let deadline = now().adding(milliseconds: configuration.forwardTimeout.nanoseconds / 1_000_000)
        var forward = forward
        forward.peer = peer
        forward.deadline = deadline
        forwards[id] = forward
        forwardDeadlines.append((id: id, deadline: deadline))
        send(ForwardedRequest(requestID: id, request: forward.request), toPeer: peer)
    }

    func forwardAnswered(_ answer: ForwardedReply, from peer: NodeID) {
        // Taken out first and checked after, put back on the rare mismatch: reading the entry's
        // fields through `forwards.values[index]` copied (retained and released) the whole entry
        // for each field read, for every answer.
        guard let index = forwards.index(forKey: answer.requestID) else { return }
        var forward = forwards.remove(at: index).value
        guard forward.peer == peer, forward.deadline != nil else {
            // An answer from a peer it was not (or no longer) sent to, or one arriving while it
            // waits for a retry: not this forward's.
            forwards[answer.requestID] = forward
            return
        }
        guard let ownerEpoch = answer.notOwnerEpoch else {
            forward.retry.replied()
            forward.completion.succeed(answer.reply)
            return
        }
        let now = self.now()
        let localEpoch = node.epoch ?? 0
        // Only when our table is at least the owner's can it know better than where the request
        // went; then compare (decoding the request again: notOwner answers are rare).
        let localRouteDiffers = ownerEpoch <= localEpoch && currentRoute(of: forward.request).map { route in
            guard case .remote(let destination) = route.route, let member = RoutingSnapshot.member(of: destination) else { return true }
            return node.directory[member]?.nodeID != peer
        } ?? false
        let action = forward.retry.notOwner(ownerEpoch: ownerEpoch, localEpoch: localEpoch, localRouteDiffers: localRouteDiffers, now: now)
        forward.deadline = nil
        forwards[answer.requestID] = forward
        retryingForwards.insert(answer.requestID)
        logger.debug(
            "forwarded request met notOwner",
            metadata: [
                "peer": "\(peer)", "owner_epoch": "\(ownerEpoch)", "local_epoch": "\(localEpoch)",
                "local_route_differs": "\(localRouteDiffers)", "action": "\(action)",
            ])
        perform(action, forForward: answer.requestID)
    }

    private func perform(_ action: ForwardRetryAction, forForward id: UInt64) {
        switch action {
        case .wait, .awaitTable:
            // A table push or the backoff's end (`tick`) moves it on; `ForwardRetry` bounds both.
            break
        case .resend:
            guard let forward = forwards[id] else { return }
            forwards[id] = nil
            retryingForwards.remove(id)
            resend(forward, id: id)
        case .fail(let error):
            guard let forward = forwards.removeValue(forKey: id) else { return }
            retryingForwards.remove(id)
            forward.completion.fail(GatewayFailure(reason: error.description))
        }
    }

    /// Where the current table sends an encoded request: nil when it cannot be forwarded (not
    /// decodable, keyless, or its keys now belong to several nodes).
    private func currentRoute(of encoded: ByteBuffer) -> (request: MemcachedRequest, isWrite: Bool, route: GatewayRoute)? {
        var buffer = encoded
        var decoder = MemcachedRequestDecoder(limits: requestLimits)
        guard let request = try? decoder.decode(buffer: &buffer) else { return nil }
        let isWrite: Bool
        let keys: [ByteBuffer]
        switch ClusterRequestKind(request) {
        case .write(let written): (isWrite, keys) = (true, written)
        case .read(let read): (isWrite, keys) = (false, read)
        case .flushLocally, .keyless: return nil
        }
        let routes = Set(keys.map { snapshot.route(key: $0, isWrite: isWrite) })
        guard routes.count == 1, let route = routes.first else { return nil }
        return (request, isWrite, route)
    }

    /// Routes a request that met `notOwner` again with the current table.
    private func resend(_ forward: PendingForward, id: UInt64) {
        guard let (request, isWrite, route) = currentRoute(of: forward.request) else {
            return forward.completion.fail(GatewayFailure(reason: "request cannot be forwarded here: not decodable, keyless, or its keys moved to several nodes; retry"))
        }
        switch route {
        case .local where isWrite:
            executeLocalWrite(request, promise: promise(completing: forward.completion), mayReroute: false)
        case .local:
            var reply = ByteBuffer()
            _ = engine.execute(request, into: &reply)
            forward.completion.succeed(reply)
        case .remote(let destination):
            guard let member = RoutingSnapshot.member(of: destination), let peer = node.directory[member]?.nodeID else {
                return forward.completion.fail(GatewayFailure(reason: "no address for member \(destination)"))
            }
            logger.debug("forwarded request sent again", metadata: ["peer": "\(peer)", "previous_peer": "\(forward.peer)", "epoch": "\(node.epoch ?? 0)"])
            dispatch(forward, id: id, to: peer)
        case .unavailable(let reason):
            forward.completion.fail(GatewayFailure(reason: reason))
        }
    }

    /// A promise that completes `completion`, for the paths that take one (rare: a resend that
    /// became a local write).
    private func promise(completing completion: ForwardCompletion) -> EventLoopPromise<ByteBuffer> {
        switch completion {
        case .promise(let promise):
            return promise
        case .callback:
            let promise = loop.makePromise(of: ByteBuffer.self)
            // Through `completion`, so the client's errors are counted as on the direct path.
            promise.futureResult.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let reply): completion.succeed(reply)
                case .failure(let error): completion.fail(error)
                }
            }
            return promise
        }
    }

    /// A local write whose vnode this node no longer owns: sent to the owner instead.
    func reroute(_ request: MemcachedRequest, promise: EventLoopPromise<ByteBuffer>) {
        var encoded = ByteBuffer()
        do {
            try request.encode(into: &encoded)
        } catch {
            return promise.fail(GatewayFailure(reason: "request cannot be forwarded"))
        }
        nextForwardID += 1
        resend(
            PendingForward(request: encoded, peer: node.nodeID, completion: .promise(promise), retry: ForwardRetry(), deadline: nil),
            id: nextForwardID)
    }

    func expireForwards(now: ClusterInstant) {
        while forwardDeadlinesHead < forwardDeadlines.count, forwardDeadlines[forwardDeadlinesHead].deadline <= now {
            let (id, deadline) = forwardDeadlines[forwardDeadlinesHead]
            forwardDeadlinesHead += 1
            guard let forward = forwards[id], forward.deadline == deadline else { continue }
            forwards[id] = nil
            forward.completion.fail(
                GatewayFailure(reason: "no answer from \(forward.peer) within \(configuration.forwardTimeout.nanoseconds / 1_000_000) ms"))
        }
        if forwardDeadlinesHead > 1024, forwardDeadlinesHead * 2 > forwardDeadlines.count {
            forwardDeadlines.removeFirst(forwardDeadlinesHead)
            forwardDeadlinesHead = 0
        }
    }

    func tickRetries(now: ClusterInstant) {
        for id in retryingForwards.sorted() {
            guard var forward = forwards[id] else {
                retryingForwards.remove(id)
                continue
            }
            let action = forward.retry.tick(now: now)
            forwards[id] = forward
            perform(action, forForward: id)
        }
    }

    func tableInstalledForRetries(epoch: UInt64) {
        let now = self.now()
        for id in retryingForwards.sorted() {
            guard var forward = forwards[id] else { continue }
            let action = forward.retry.tableInstalled(epoch: epoch, now: now)
            forwards[id] = forward
            perform(action, forForward: id)
        }
    }

    /// The connection to `peer` is gone: what was sent on it will not be answered.
    func failForwards(to peer: NodeID, reason: String) {
        for (id, forward) in forwards where forward.peer == peer && forward.deadline != nil {
            forwards[id] = nil
            forward.completion.fail(GatewayFailure(reason: reason))
        }
    }

    // MARK: - Serving forwarded requests

    func serveForwarded(_ forwarded: ForwardedRequest, from peer: NodeID, replyRoute: ForwardedReplyRoute) {
        let id = forwarded.requestID
        var buffer = forwarded.request
        var decoder = MemcachedRequestDecoder(limits: requestLimits)
        let request: MemcachedRequest
        do {
            guard let decoded = try decoder.decode(buffer: &buffer) else {
                throw GatewayFailure(reason: "incomplete forwarded request")
            }
            request = decoded
        } catch {
            logger.info("undecodable forwarded request", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return reply(ForwardedReply(requestID: id, reply: GatewayFailure(reason: "malformed forwarded request").replyBytes), along: replyRoute)
        }
        // The hot path, most forwarded requests: a plain get. No key array, and the engine writes
        // the reply straight into the reply frame.
        if case .retrieve(let retrieval) = request, !retrieval.touches {
            guard retrieval.keys.allSatisfy({ holdsCopy(ofVnode: node.vnode(of: $0)) }) else {
                return reply(notOwner(id), along: replyRoute)
            }
            return replyExecuting(request, to: id, along: replyRoute)
        }
        switch ClusterRequestKind(request) {
        case .flushLocally, .keyless:
            replyExecuting(request, to: id, along: replyRoute)
        case .read(let keys):
            guard keys.allSatisfy({ holdsCopy(ofVnode: node.vnode(of: $0)) }) else { return reply(notOwner(id), along: replyRoute) }
            replyExecuting(request, to: id, along: replyRoute)
        case .write(let keys):
            guard keys.allSatisfy({ node.ownership(ofVnode: node.vnode(of: $0)) == .primary }) else {
                return reply(notOwner(id), along: replyRoute)
            }
            let promise = loop.makePromise(of: ByteBuffer.self)
            promise.futureResult.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let bytes): self.reply(ForwardedReply(requestID: id, reply: bytes), along: replyRoute)
                case .failure(let error):
                    self.reply(
                        ForwardedReply(requestID: id, reply: ServerErrorReply.bytes(reason: GatewayFailure.reason(of: error))),
                        along: replyRoute)
                }
            }
            // Checked above: a forwarded write is never forwarded again.
            executeLocalWrite(request, promise: promise, mayReroute: false)
        }
    }

    /// The answer to a request for keys this node does not serve at its table's epoch.
    private func notOwner(_ id: UInt64) -> ForwardedReply {
        ForwardedReply(requestID: id, reply: ByteBuffer(), notOwnerEpoch: node.epoch ?? 0)
    }

    private func reply(_ answer: ForwardedReply, along route: ForwardedReplyRoute) {
        switch route {
        case .connection(let connection): connection.send(answer)
        case .peer(let peer): send(answer, toPeer: peer)
        }
    }

    /// Runs `request` through the engine and sends its reply: on the connection it came in on
    /// (peer connections live on this loop), written straight into the reply frame.
    private func replyExecuting(_ request: MemcachedRequest, to id: UInt64, along route: ForwardedReplyRoute) {
        if case .connection(let connection) = route, connection.channel.eventLoop.inEventLoop {
            connection.sendForwardedReply(requestID: id) { out in _ = engine.execute(request, into: &out) }
            return
        }
        var out = ByteBuffer()
        _ = engine.execute(request, into: &out)
        reply(ForwardedReply(requestID: id, reply: out), along: route)
    }

    /// Reads are served by the primary, and by a listed replica holding a complete copy (the
    /// entry node reads there while the primary is unreachable).
    private func holdsCopy(ofVnode vnode: Int) -> Bool {
        if node.ownership(ofVnode: vnode) == .primary { return true }
        guard let table = node.table, let me = node.memberID, table.replicas(of: vnode).contains(me) else { return false }
        return node.replicaAppliedThrough(of: vnode) != nil
    }
}

import NIOCore
import RondoEngine
import RondoProtocol

/// Where each request kind goes: the engine, the router, or a split across owners.
extension ClusterServerHandler {
    func dispatch(_ request: MemcachedRequest, context: ChannelHandlerContext) {
        switch request {
        case .retrieve(let retrieval):
            dispatchRetrieval(retrieval, context: context)
        case .store(let storage):
            dispatchKeyed(request, key: storage.key, isWrite: true, noreply: storage.noreply, context: context)
        case .delete(let key, let noreply):
            dispatchKeyed(request, key: key, isWrite: true, noreply: noreply, context: context)
        case .arithmetic(let arithmetic):
            dispatchKeyed(request, key: arithmetic.key, isWrite: true, noreply: arithmetic.noreply, context: context)
        case .touch(let key, _, let noreply):
            dispatchKeyed(request, key: key, isWrite: true, noreply: noreply, context: context)
        case .metaGet(let meta):
            // `T` updates the TTL and `N` creates the item on a miss: both change the vnode.
            let isWrite = meta.flags.contains("T") || meta.flags.contains("N")
            dispatchKeyed(request, key: meta.key, isWrite: isWrite, noreply: false, context: context)
        case .metaSet(let meta, _), .metaDelete(let meta), .metaArithmetic(let meta):
            dispatchKeyed(request, key: meta.key, isWrite: true, noreply: false, context: context)
        case .metaDebug(let meta):
            dispatchKeyed(request, key: meta.key, isWrite: false, noreply: false, context: context)
        case .flushAll(let delay, let noreply):
            let ok = router.flushAll(delay: delay, eventLoop: context.eventLoop).map { _ -> ByteBuffer in
                var reply = ByteBuffer()
                reply.writeLine("OK")
                return reply
            }
            awaitReply(ok, noreply: noreply, context: context)
        case .routingTable:
            let table = router.routingTableReply()
            emit { out in
                if let table {
                    out.writeImmutableBuffer(table)
                } else {
                    ServerErrorReply.write(reason: "no routing table yet", into: &out)
                }
            }
        case .quit:
            // Nothing after `quit` runs, as in memcached.
            discardUndecodedInput()
            beginDraining(context: context)
        case .version, .verbosity, .cacheMemoryLimit, .stats, .metaNoOp, .error:
            executeLocally(request, context: context)
        }
    }

    /// Runs a request through this node's engine, replying in order.
    private func executeLocally(_ request: MemcachedRequest, context: ChannelHandlerContext) {
        // `quit` is handled by `dispatch`; every request that reaches here continues.
        emit { out in _ = engine.execute(request, into: &out) }
        flushIfLarge(context: context)
    }

    private func dispatchKeyed(
        _ request: MemcachedRequest, key: ByteBuffer, isWrite: Bool, noreply: Bool, context: ChannelHandlerContext
    ) {
        let route = router.route(key: key, isWrite: isWrite)
        dispatch(request, along: route, isWrite: isWrite, noreply: noreply, context: context)
    }

    private func dispatch(
        _ request: MemcachedRequest, along route: GatewayRoute, isWrite: Bool, noreply: Bool,
        context: ChannelHandlerContext
    ) {
        switch route {
        case .local where !isWrite:
            executeLocally(request, context: context)
        case .local:
            awaitReply(router.executeLocalWrite(request, eventLoop: context.eventLoop), noreply: noreply, context: context)
        case .remote(let destination):
            awaitForward(request, to: destination, noreply: noreply, context: context)
        case .unavailable(let reason):
            if !noreply { emit { ServerErrorReply.write(reason: reason, into: &$0) } }
        }
    }

    /// Reserves the reply slot of a forwarded request and fills it from the router's callback: the
    /// common cluster path (two thirds of the gets with three nodes), so no future per request.
    private func awaitForward(
        _ request: MemcachedRequest, to destination: GatewayDestination, noreply: Bool, context: ChannelHandlerContext
    ) {
        let sequence = replies.appendWaiting()
        guard let encoded = encodedForForwarding(request, context: context) else {
            // Only `.error` requests have no wire form, and those are answered locally.
            return complete(sequence, with: .failure(GatewayFailure(reason: "request cannot be forwarded")), noreply: noreply)
        }
        router.forward(encoded, to: destination, on: context.eventLoop) { result in
            self.complete(sequence, with: result, noreply: noreply)
        }
    }

    private func encodedForForwarding(_ request: MemcachedRequest, context: ChannelHandlerContext) -> ByteBuffer? {
        var encoded = context.channel.allocator.buffer(capacity: 64)
        do {
            try request.encode(into: &encoded)
        } catch {
            return nil
        }
        return encoded
    }

    private func forward(
        _ request: MemcachedRequest, to destination: GatewayDestination, context: ChannelHandlerContext
    ) -> EventLoopFuture<ByteBuffer> {
        guard let encoded = encodedForForwarding(request, context: context) else {
            // Only `.error` requests have no wire form, and those are answered locally.
            return context.eventLoop.makeFailedFuture(GatewayFailure(reason: "request cannot be forwarded"))
        }
        return router.forward(encoded, to: destination, eventLoop: context.eventLoop)
    }

    // MARK: - Multi-key retrieval

    private func dispatchRetrieval(_ retrieval: RetrievalRequest, context: ChannelHandlerContext) {
        let isWrite = retrieval.touches
        // One pass without allocating: the common case is a single key, or keys with one route.
        var keys = retrieval.keys.makeIterator()
        guard let firstKey = keys.next() else {
            // `gat <exptime>` without keys: memcached answers END.
            executeLocally(.retrieve(retrieval), context: context)
            return
        }
        let firstRoute = router.route(key: firstKey, isWrite: isWrite)
        var singleRoute = true
        while let key = keys.next() {
            if router.route(key: key, isWrite: isWrite) != firstRoute {
                singleRoute = false
                break
            }
        }
        if singleRoute {
            dispatch(.retrieve(retrieval), along: firstRoute, isWrite: isWrite, noreply: false, context: context)
            return
        }
        let split = RetrievalSplit(keys: retrieval.keys) { router.route(key: $0, isWrite: isWrite) }
        if let reason = split.unavailableReason {
            emit { ServerErrorReply.write(reason: reason, into: &$0) }
            return
        }
        var parts: [EventLoopFuture<ByteBuffer>] = []
        parts.reserveCapacity(split.groups.count)
        for (index, group) in split.groups.enumerated() {
            let part = MemcachedRequest.retrieve(split.subrequest(index, of: retrieval))
            parts.append(future(for: part, along: group.route, isWrite: isWrite, context: context))
        }
        let merged = EventLoopFuture.whenAllSucceed(parts, on: context.eventLoop).flatMapThrowing { replies in
            var out = ByteBuffer()
            try split.merge(replies, into: &out)
            return out
        }
        awaitReply(merged, noreply: false, context: context)
    }

    /// The reply of one part of a split retrieval, local reads computed now.
    private func future(
        for part: MemcachedRequest, along route: GatewayRoute, isWrite: Bool, context: ChannelHandlerContext
    ) -> EventLoopFuture<ByteBuffer> {
        switch route {
        case .local where !isWrite:
            var reply = ByteBuffer()
            _ = engine.execute(part, into: &reply)
            return context.eventLoop.makeSucceededFuture(reply)
        case .local:
            return router.executeLocalWrite(part, eventLoop: context.eventLoop)
        case .remote(let destination):
            return forward(part, to: destination, context: context)
        case .unavailable(let reason):
            return context.eventLoop.makeFailedFuture(GatewayFailure(reason: reason))
        }
    }
}

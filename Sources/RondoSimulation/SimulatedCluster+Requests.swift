import NIOCore
import RondoCluster
import RondoCore
import RondoNode
import RondoRing
import RondoStorage

/// Clients and request routing: a client sends to any node; the node routes with its
/// `ClusterNode` (`RequestRouter` over its own table), executes locally or forwards to the primary, which
/// executes or answers `notOwner`. The model records what clients hear.
extension SimulatedCluster {
    static let setPercent = 50
    static let deletePercent = 10

    func runClients() {
        for index in clients.indices {
            if var operation = clients[index].operation {
                if let retryAt = operation.retryAt {
                    guard retryAt <= now else { continue }
                    operation.retryAt = nil
                    clients[index].operation = operation
                    sendAttempt(client: index)
                } else if operation.deadline <= now {
                    counters.requestsTimedOut += 1
                    finishAttempt(client: index, reply: .failed("timed out"))
                }
                continue
            }
            guard clientsEnabled, Int.random(in: 0..<100, using: &generator) < configuration.clientOperationPercent else { continue }
            startOperation(client: index)
        }
    }

    private func startOperation(client index: Int) {
        let keyIndex = Int.random(in: 0..<configuration.keyCount, using: &generator)
        let roll = Int.random(in: 0..<100, using: &generator)
        let operation: ClientOperation
        if roll < Self.setPercent {
            clients[index].nextWrite += 1
            operation = .set(value: "c\(index)-w\(clients[index].nextWrite)")
        } else if roll < Self.setPercent + Self.deletePercent {
            operation = .delete
        } else {
            operation = .get
        }
        nextRequestID += 1
        clients[index].operation = SimulatedClient.Operation(
            requestID: nextRequestID, keyIndex: keyIndex, operation: operation, attempt: 0, entryNode: Self.coordinatorID,
            deadline: now)
        sendAttempt(client: index)
    }

    /// One attempt through a node chosen at random; the request id changes per attempt so a late
    /// answer to an earlier one is recognised and ignored.
    private func sendAttempt(client index: Int) {
        guard var operation = clients[index].operation else { return }
        let up = upNodes
        guard !up.isEmpty else {
            clients[index].operation = nil
            return
        }
        nextRequestID += 1
        operation.requestID = nextRequestID
        operation.attempt += 1
        operation.entryNode = up[Int.random(in: 0..<up.count, using: &generator)]
        operation.deadline = now + configuration.requestTimeoutMilliseconds
        clients[index].operation = operation
        let node = nodes[operation.entryNode]!
        let request = ClientRequest(requestID: operation.requestID, keyIndex: operation.keyIndex, operation: operation.operation)
        let intent: RequestIntent = operation.operation == .get ? .read : .write
        do {
            switch try node.core.route(key: keys[operation.keyIndex], intent: intent) {
            case .local:
                execute(request, at: node, entryNode: node.nodeID)
            case .forward(_, let primary):
                send(.forwarded(request), from: node.nodeID, to: primary)
            }
        } catch .noTable {
            finishAttempt(client: index, reply: .notOwner(epoch: 0))
        } catch {
            finishAttempt(client: index, reply: .failed("\(error)"))
        }
    }

    /// The request at the node that believes itself primary (or finds it is not).
    func execute(_ request: ClientRequest, at node: SimulatedNode, entryNode: NodeID) {
        let key = keys[request.keyIndex]
        let vnode = node.core.vnode(of: key)
        if case .notOwner(let epoch) = node.core.ownership(ofVnode: vnode) {
            answer(request.requestID, .notOwner(epoch: epoch), from: node, to: entryNode)
            return
        }
        if case .get = request.operation {
            let value = node.store.get(key).map { String(buffer: $0.value) }
            answer(request.requestID, .value(value), from: node, to: entryNode)
            return
        }
        do {
            try node.core.admitWrite(vnode: vnode)
        } catch {
            answer(request.requestID, .failed("\(error)"), from: node, to: entryNode)
            return
        }
        let value: String?
        let reply: ClientReply
        switch request.operation {
        case .set(let written):
            let outcome = node.store.store(key, value: ByteBuffer(string: written), flags: 0, expiresAt: 0, mode: .set)
            guard case .stored = outcome else {
                answer(request.requestID, .failed("store: \(outcome)"), from: node, to: entryNode)
                return
            }
            value = written
            reply = .stored
        case .delete, .get:
            _ = node.store.delete(key)
            value = nil
            reply = .deleted
        }
        appliedOrderOfRequest[request.requestID] = model.recordApplied(keyIndex: request.keyIndex, value: value)
        do {
            let (id, effects) = try node.core.recordWrite(key: key, vnode: vnode, now: clusterNow)
            // Recorded before the effects run: they may complete the write at once.
            node.pendingWrites[id] = SimulatedNode.PendingWrite(requestID: request.requestID, entryNode: entryNode, reply: reply)
            perform(effects, at: node)
        } catch {
            violation("\(node.nodeID): an admitted write was refused: \(error)")
        }
    }

    /// The primary's answer travels back to the entry node (which relays it to the client).
    func answer(_ requestID: UInt64, _ reply: ClientReply, from node: SimulatedNode, to entryNode: NodeID) {
        if entryNode == node.nodeID {
            resolve(requestID: requestID, reply: reply, entryNode: entryNode)
        } else {
            send(.reply(requestID: requestID, reply), from: node.nodeID, to: entryNode)
        }
    }

    func resolve(requestID: UInt64, reply: ClientReply, entryNode: NodeID) {
        guard let index = clients.firstIndex(where: { $0.operation?.requestID == requestID && $0.operation?.retryAt == nil })
        else { return }
        finishAttempt(client: index, reply: reply)
    }

    private func finishAttempt(client index: Int, reply: ClientReply) {
        guard let operation = clients[index].operation else { return }
        switch reply {
        case .stored, .deleted:
            guard let order = appliedOrderOfRequest[operation.requestID] else {
                violation("client \(index) heard \(reply) for a write no primary executed")
                break
            }
            counters.writesAcknowledged += 1
            model.recordAcknowledged(keyIndex: operation.keyIndex, order: order, client: index)
        case .value(let value):
            counters.reads += 1
            if let stale = model.staleRead(served: value, keyIndex: operation.keyIndex, client: index) {
                violation("stale read by client \(index) through \(operation.entryNode): \(stale)")
            }
        case .notOwner, .failed:
            if case .notOwner = reply { counters.notOwnerRetries += 1 }
            if operation.attempt < configuration.requestAttemptsMax {
                appliedOrderOfRequest[operation.requestID] = nil
                var retry = operation
                retry.retryAt = now + Int64.random(in: 20...200, using: &generator)
                clients[index].operation = retry
                return
            }
            if operation.operation != .get { counters.writesFailed += 1 }
        }
        appliedOrderOfRequest[operation.requestID] = nil
        clients[index].operation = nil
    }
}

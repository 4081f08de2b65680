import NIOCore
import RondoCluster
import RondoCore
import RondoRing
import RondoStorage

/// The client path the memcached front end (and the simulation's clients) uses: route a key,
/// check ownership, admit a write, and after the caller mutated the store, replicate the key's
/// new state.
extension ClusterNode {
    /// The vnode of a key (the store's hash, which the table's shares).
    public func vnode(of key: ByteBuffer) -> Int {
        store.vnode(of: key)
    }

    /// Where a request for `key` goes by this node's table: served here, or forwarded to the
    /// node the table names (writes: the primary; reads: the primary too, as `RequestRouter`
    /// falls back only for unreachable members, which the node does not track yet).
    public func route(key: ByteBuffer, intent: RequestIntent) throws(NodeRoutingError) -> NodeRoute {
        guard let table else { throw .noTable }
        // Before the coordinator names this node it is no member: every request is forwarded.
        let router = RequestRouter(table: table, localMember: memberID ?? MemberID(UInt32.max))
        let vnode = router.vnode(of: key)
        let decision: RouteDecision
        do {
            decision = try router.route(vnode: vnode, intent: intent)
        } catch {
            throw .routing(error)
        }
        switch decision {
        case .local:
            return .local(vnode: vnode)
        case .forward(let member):
            guard let node = directory[member]?.nodeID else { throw .noAddress(member) }
            return .forward(vnode: vnode, to: node)
        }
    }

    /// Whether this node serves the vnode now: for a forwarded request, the answer is
    /// `notOwner(epoch)` when its table disagrees.
    public func ownership(ofVnode vnode: Int) -> VnodeOwnership {
        // `keys.contains`, not `primaries[vnode] != nil`: asked per forwarded request and write,
        // and the subscript would copy the whole replicator out to compare it with nil.
        guard isListedPrimary(of: vnode), primaries.keys.contains(vnode) else { return .notOwner(epoch: table?.epoch ?? 0) }
        return .primary
    }

    /// Checks, before the caller mutates the store, that a write to the vnode may go ahead here.
    public func admitWrite(vnode: Int) throws(NodeWriteError) {
        guard ownership(ofVnode: vnode) == .primary, let primary = primaries[vnode] else {
            throw .notOwner(epoch: table?.epoch ?? 0)
        }
        do {
            try primary.checkAdmission()
        } catch {
            throw .replication(error)
        }
    }

    /// After the caller applied an admitted write to the store: peeks the key's state and
    /// replicates it. The write is answered when `completeWrite(id)` or `failWrite(id, _)` comes
    /// out — possibly among the returned effects, so the caller records `id` before performing
    /// them.
    public func recordWrite(key: ByteBuffer, vnode: Int, now: ClusterInstant) throws(NodeWriteError) -> (WriteID, [NodeEffect]) {
        guard ownership(ofVnode: vnode) == .primary, primaries.keys.contains(vnode) else {
            throw .notOwner(epoch: table?.epoch ?? 0)
        }
        nextWriteID += 1
        let id = WriteID(nextWriteID)
        let change = ReplicationChange(capturing: store.peek(key))
        let actions: [PrimaryAction]
        do {
            // Mutated in place: a copy taken out of the dictionary would share the log's storage,
            // and the append would copy the whole log on every write.
            actions = try primaries[vnode]!.write(id, key: key, change: change, now: now)
        } catch {
            throw .replication(error)
        }
        primariesWrittenSinceFlush.insert(vnode)
        performPrimary(actions, now: now)
        return (id, drainEffects())
    }
}

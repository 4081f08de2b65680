/// What a drain changed, kept so that activating the member again can put back exactly the table
/// that existed before the drain ("placement ends as it began"), as long as nothing else changed
/// in between. `fingerprint` identifies the table right after the drain; `undo` holds, for every
/// slot the drain changed, the member that held it before.
struct DrainRecord: Sendable, Hashable {
    let node: MemberID
    let fingerprint: UInt64
    let undo: [SlotRestore]

    /// The vnodes the member held before it drained: its "home", preferred when it comes back
    /// into a table that has changed meanwhile.
    var homeVnodes: Set<Int> {
        Set(undo.lazy.filter { $0.node == node }.map { Int($0.vnode) })
    }
}

/// One slot of one vnode and the member to put back in it.
struct SlotRestore: Sendable, Hashable {
    let vnode: UInt32
    let slot: UInt8
    let node: MemberID
}

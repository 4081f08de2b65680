import RondoCore

extension RoutingTable {
    /// A 64-bit digest of members, states and assignments (not the epoch, nor drain records): two
    /// tables with the same fingerprint place every vnode the same way.
    var fingerprint: UInt64 {
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            digest = VnodeHash.fmix64(digest ^ value) &+ 0x9e37_79b9_7f4a_7c15
        }
        mix(UInt64(vnodeCount.value))
        mix(UInt64(placedReplicaCount))
        for member in members {
            mix(UInt64(member.id.value) << 8 | UInt64(member.state.rawValue))
        }
        for node in slots { mix(UInt64(node.value)) }
        return digest
    }
}

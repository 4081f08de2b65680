import NIOCore
import RondoCluster
import RondoCore
import RondoPeer
import RondoRing
import RondoStorage
import XCTest

func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func instant(_ milliseconds: Int64) -> ClusterInstant { ClusterInstant(milliseconds: milliseconds) }

/// An in-memory store on a manual clock, small vnode count so tests can pick keys per vnode.
func makeClusterStore(vnodeCount: Int = 16, memoryLimitBytes: Int = 64 << 20) -> ItemStore {
    let configuration = StoreConfiguration(
        memoryLimitBytes: memoryLimitBytes, vnodeCount: try! VnodeCount(vnodeCount), shardCount: 4)
    return ItemStore(configuration: configuration, clock: ManualClock())
}

/// `count` distinct keys that fall in `vnode` of `store`.
func keys(inVnode vnode: Int, of store: ItemStore, count: Int, prefix: String = "key") -> [ByteBuffer] {
    var result: [ByteBuffer] = []
    var candidate = 0
    while result.count < count {
        let key = bytes("\(prefix)-\(candidate)")
        if store.vnode(of: key) == vnode { result.append(key) }
        candidate += 1
    }
    return result
}

func itemChange(_ value: String, cas: UInt64, flags: UInt32 = 0) -> ReplicationChange {
    .item(value: bytes(value), flags: flags, expiresAt: 0, cas: cas, isStale: false)
}

extension Array where Element == PrimaryAction {
    var sends: [(batch: ReplicationBatch, member: MemberID)] {
        compactMap { if case .send(let batch, let member) = $0 { return (batch, member) } else { return nil } }
    }

    var completed: [WriteID] {
        compactMap { if case .completeWrite(let id, _) = $0 { return id } else { return nil } }
    }

    var failed: [(WriteID, ReplicationError)] {
        compactMap { if case .failWrite(let id, let error) = $0 { return (id, error) } else { return nil } }
    }

    var lagging: [MemberID] {
        compactMap { if case .replicaLagging(let member) = $0 { return member } else { return nil } }
    }

    var rebuilds: [MemberID] {
        compactMap { if case .rebuildRequired(_, let member) = $0 { return member } else { return nil } }
    }
}

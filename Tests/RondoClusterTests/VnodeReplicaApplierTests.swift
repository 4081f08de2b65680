import NIOCore
import RondoCluster
import RondoStorage
import XCTest

final class VnodeReplicaApplierTests: XCTestCase {
    private let vnode = 3

    private func entries(_ store: ItemStore, _ sequences: ClosedRange<UInt64>) -> [ReplicationEntry] {
        let key = keys(inVnode: vnode, of: store, count: 1)[0]
        return sequences.map { ReplicationEntry(vnode: vnode, sequence: $0, key: key, change: itemChange("v\($0)", cas: 100 + $0)) }
    }

    func testAppliesInOrderKeepingCASFlagsAndExpiryAndAcks() {
        let store = makeClusterStore()
        var applier = VnodeReplicaApplier(vnode: vnode, store: store)
        let key = keys(inVnode: vnode, of: store, count: 1)[0]
        let change = ReplicationChange.item(value: bytes("hello"), flags: 42, expiresAt: 4_000_000_000, cas: 777, isStale: true)
        XCTAssertEqual(applier.receive([ReplicationEntry(vnode: vnode, sequence: 1, key: key, change: change)]), [.acknowledge(vnode: vnode, through: 1)])
        let held = store.peek(key)
        XCTAssertEqual(held.map { String(buffer: $0.value) }, "hello")
        XCTAssertEqual(held?.cas, 777)
        XCTAssertEqual(held?.flags, 42)
        XCTAssertEqual(held?.expiresAt, 4_000_000_000)
        XCTAssertEqual(held?.isStale, true)
        XCTAssertEqual(applier.receive([ReplicationEntry(vnode: vnode, sequence: 2, key: key, change: .tombstone(cas: 777))]).last,
            .acknowledge(vnode: vnode, through: 2))
        XCTAssertNil(store.peek(key))
    }

    func testGapAsksForCatchUpAndEarlyEntriesApplyOnceItFills() {
        let store = makeClusterStore()
        var applier = VnodeReplicaApplier(vnode: vnode, store: store)
        let all = entries(store, 1...5)
        XCTAssertEqual(applier.receive([all[0]]), [.acknowledge(vnode: vnode, through: 1)])
        XCTAssertEqual(applier.receive([all[3], all[2]]), [.requestCatchUp(vnode: vnode, from: 2)])
        XCTAssertEqual(applier.waitingEntryCount, 2)
        XCTAssertEqual(applier.receive([all[1]]), [.acknowledge(vnode: vnode, through: 4)])
        XCTAssertEqual(store.peek(all[0].key)?.cas, 104, "the key holds entry 4's state")
        XCTAssertEqual(ReplicaAction.requestCatchUp(vnode: vnode, from: 2).replicationAck?.acknowledgedSequence, 1)
    }

    func testDuplicatesAreIdempotentAndReAcked() {
        let store = makeClusterStore()
        var applier = VnodeReplicaApplier(vnode: vnode, store: store)
        let all = entries(store, 1...3)
        _ = applier.receive(all)
        XCTAssertEqual(applier.receive(all + all), [.acknowledge(vnode: vnode, through: 3)])
        XCTAssertEqual(applier.appliedThrough, 3)
        XCTAssertEqual(store.peek(all[0].key)?.cas, 103)
    }

    func testEarlyEntriesAreBounded() {
        let store = makeClusterStore()
        var applier = VnodeReplicaApplier(vnode: vnode, store: store, limits: ReplicaApplierLimits(outOfOrderEntriesMax: 2))
        let all = entries(store, 1...6)
        _ = applier.receive(Array(all[1...5]))
        XCTAssertEqual(applier.waitingEntryCount, 2)
        XCTAssertEqual(applier.receive([all[0]]), [.acknowledge(vnode: vnode, through: 3)], "4...6 were dropped; the primary resends")
        XCTAssertEqual(applier.receive(Array(all[3...5])), [.acknowledge(vnode: vnode, through: 6)])
    }

    func testAStoreRefusalStopsAtTheEntryAndReportsIt() {
        let store = makeClusterStore(memoryLimitBytes: 600)
        var applier = VnodeReplicaApplier(vnode: vnode, store: store)
        let key = keys(inVnode: vnode, of: store, count: 1)[0]
        let huge = ReplicationEntry(vnode: vnode, sequence: 1, key: key, change: itemChange(String(repeating: "x", count: 1000), cas: 1))
        let actions = applier.receive([huge])
        XCTAssertEqual(actions, [.applyFailed(vnode: vnode, sequence: 1, outcome: .outOfMemory), .acknowledge(vnode: vnode, through: 0)])
        XCTAssertEqual(applier.appliedThrough, 0)
    }
}

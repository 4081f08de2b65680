import NIOCore
import RondoCluster
import RondoCore
import RondoRing
import XCTest

final class RequestRouterTests: XCTestCase {
    private func table() throws -> RoutingTable {
        try RoutingTable.initial(vnodeCount: VnodeCount(64), replicaCount: 3, nodes: (1...4).map { NodeDescriptor(id: MemberID($0)) })
    }

    /// A key whose replica list satisfies `predicate`.
    private func key(in table: RoutingTable, where predicate: ([MemberID]) -> Bool) -> ByteBuffer {
        let router = RequestRouter(table: table, localMember: MemberID(1))
        for index in 0..<10_000 {
            let key = bytes("key-\(index)")
            if predicate(table.replicas(of: router.vnode(of: key))) { return key }
        }
        preconditionFailure("no such key")
    }

    func testLocalPrimaryServesAndOthersForwardToThePrimary() throws {
        let table = try table()
        let me = MemberID(1)
        let router = RequestRouter(table: table, localMember: me)
        let mine = key(in: table) { $0[0] == me }
        let theirs = key(in: table) { $0[0] != me }
        XCTAssertEqual(try router.route(key: mine, intent: .write), .local)
        let primary = table.replicas(of: router.vnode(of: theirs))[0]
        XCTAssertEqual(try router.route(key: theirs, intent: .write), .forward(to: primary))
        XCTAssertEqual(try router.route(key: theirs, intent: .read), .forward(to: primary))
    }

    func testReadsFallBackToTheNextReachableReplicaWritesDoNot() throws {
        let table = try table()
        let me = MemberID(1)
        let secondaryHere = key(in: table) { $0[0] != me && $0[1] == me }
        let elsewhere = key(in: table) { !$0.contains(me) }
        let down = table.replicas(of: RequestRouter(table: table, localMember: me).vnode(of: secondaryHere))[0]
        let router = RequestRouter(table: table, localMember: me, unreachable: [down])
        XCTAssertEqual(try router.route(key: secondaryHere, intent: .read), .local)
        XCTAssertThrowsError(try router.route(key: secondaryHere, intent: .write)) {
            XCTAssertEqual($0 as? RoutingError, .noReachableReplica(vnode: router.vnode(of: secondaryHere)))
        }
        let replicas = table.replicas(of: router.vnode(of: elsewhere))
        let skipping = RequestRouter(table: table, localMember: me, unreachable: [replicas[0], replicas[1]])
        XCTAssertEqual(try skipping.route(key: elsewhere, intent: .read), .forward(to: replicas[2]))
        let none = RequestRouter(table: table, localMember: me, unreachable: Set(replicas))
        XCTAssertThrowsError(try none.route(key: elsewhere, intent: .read))
    }

    func testMultiGetSplitsByPrimaryAndMergesInRequestOrder() throws {
        let table = try table()
        let router = RequestRouter(table: table, localMember: MemberID(1))
        let keys = (0..<40).map { bytes("multi-\($0)") }
        let plan = try router.planMultiGet(keys: keys)
        XCTAssertEqual(plan.groups.flatMap(\.keyIndices).sorted(), Array(0..<40))
        XCTAssertEqual(Set(plan.groups.map(\.destination)).count, plan.groups.count, "one group per destination")
        for group in plan.groups {
            for index in group.keyIndices {
                XCTAssertEqual(try router.route(key: keys[index], intent: .read), group.destination)
            }
        }
        // Each group answers its keys in its order; the merge restores the request's order.
        let merged = try plan.merge(plan.groups.map { $0.keyIndices.map { "value-\($0)" } })
        XCTAssertEqual(merged, (0..<40).map { "value-\($0)" })
        XCTAssertThrowsError(try plan.merge(plan.groups.map { _ in [String]() }))
        XCTAssertThrowsError(try router.planMultiGet(keys: Array(repeating: bytes("k"), count: RequestRouter.multiGetKeysMax + 1)))
    }

    func testNotOwnerWaitsForTheNewerTableThenResendsWithinBounds() {
        var retry = ForwardRetry(limits: ForwardRetryLimits(attemptsMax: 3, tableWaitMilliseconds: 500, backoffMilliseconds: 20))
        XCTAssertEqual(retry.notOwner(ownerEpoch: 8, localEpoch: 7, now: instant(0)), .awaitTable(atLeast: 8))
        XCTAssertEqual(retry.tableInstalled(epoch: 7, now: instant(10)), .wait)
        XCTAssertEqual(retry.tableInstalled(epoch: 8, now: instant(20)), .resend)
        // The owner lags behind our table: resend after the back-off.
        XCTAssertEqual(retry.notOwner(ownerEpoch: 7, localEpoch: 8, now: instant(30)), .wait)
        XCTAssertEqual(retry.tick(now: instant(40)), .wait)
        XCTAssertEqual(retry.tick(now: instant(50)), .resend)
        XCTAssertEqual(retry.attempts, 3)
        XCTAssertEqual(retry.notOwner(ownerEpoch: 9, localEpoch: 8, now: instant(60)), .fail(.notOwnerRetriesExhausted(attempts: 3)))
        XCTAssertEqual(retry.tick(now: instant(10_000)), .wait, "finished")
    }

    func testWaitingForATableEndsAtTheBound() {
        var retry = ForwardRetry(limits: ForwardRetryLimits(attemptsMax: 5, tableWaitMilliseconds: 500))
        XCTAssertEqual(retry.notOwner(ownerEpoch: 4, localEpoch: 4, now: instant(0)), .awaitTable(atLeast: 5))
        XCTAssertEqual(retry.tick(now: instant(499)), .wait)
        XCTAssertEqual(retry.tick(now: instant(500)), .fail(.tableWaitTimedOut(neededEpoch: 5)))
    }

    /// Routed with a client loop's older snapshot: the owner (at our epoch) says notOwner, and our
    /// own table already sends the request elsewhere — it goes again at once instead of waiting
    /// for a table newer than ours (the rolling-upgrade demo's 1 s stalls).
    func testNotOwnerResendsAtOnceWhenOurTableAlreadyRoutesElsewhere() {
        var retry = ForwardRetry(limits: ForwardRetryLimits(attemptsMax: 3, tableWaitMilliseconds: 2_000))
        XCTAssertEqual(retry.notOwner(ownerEpoch: 6, localEpoch: 6, localRouteDiffers: true, now: instant(0)), .resend)
        XCTAssertEqual(retry.attempts, 2)
        // Our table older than the owner's: we do not know better, wait for the newer one.
        XCTAssertEqual(retry.notOwner(ownerEpoch: 7, localEpoch: 6, localRouteDiffers: true, now: instant(5)), .awaitTable(atLeast: 7))
        // Same epoch and the same route: a genuine disagreement, wait for the next table as before.
        var same = ForwardRetry(limits: ForwardRetryLimits(attemptsMax: 3, tableWaitMilliseconds: 2_000))
        XCTAssertEqual(same.notOwner(ownerEpoch: 6, localEpoch: 6, localRouteDiffers: false, now: instant(0)), .awaitTable(atLeast: 7))
        // Still bounded by attemptsMax.
        var bounded = ForwardRetry(limits: ForwardRetryLimits(attemptsMax: 1))
        XCTAssertEqual(
            bounded.notOwner(ownerEpoch: 6, localEpoch: 6, localRouteDiffers: true, now: instant(0)), .fail(.notOwnerRetriesExhausted(attempts: 1)))
    }
}

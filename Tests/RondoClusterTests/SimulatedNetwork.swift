import RondoCore
import RondoCluster
import RondoPeer
import RondoRing

/// A message between the simulated nodes of one vnode.
enum SimulatedMessage {
    case replication(ReplicationBatch)
    case ack(ReplicationAck)
    case transfer(TransferBatch)
}

struct SimulatedEnvelope {
    var deliverAt: Int64
    /// Send order: ties on `deliverAt` deliver in it, so runs replay exactly.
    var order: UInt64
    var from: MemberID
    var to: MemberID
    var message: SimulatedMessage
}

/// A seeded lossy network: messages are dropped, duplicated and delayed by random amounts (so
/// they overtake each other). Streams (transfers, handshake acks) are reliable and in order, like
/// a TCP connection; `reset` loses everything in flight to and from a member, like a connection
/// closing when a node crashes. `isolate` cuts a member off for a while without closing its
/// connections: datagrams to and from it are lost, streams stall until it is back.
struct SimulatedNetwork {
    var dropPercent: Int
    var duplicatePercent: Int
    var delayMaxMilliseconds: Int64
    private(set) var inFlight: [SimulatedEnvelope] = []
    private var sent: UInt64 = 0
    private var streamTails: [[MemberID]: Int64] = [:]
    private var isolatedUntil: [MemberID: Int64] = [:]

    init(dropPercent: Int, duplicatePercent: Int, delayMaxMilliseconds: Int64) {
        self.dropPercent = dropPercent
        self.duplicatePercent = duplicatePercent
        self.delayMaxMilliseconds = delayMaxMilliseconds
    }

    mutating func send(
        _ message: SimulatedMessage, from: MemberID, to: MemberID, now: Int64, stream: Bool,
        using generator: inout SplitMix64
    ) {
        let delay = Int64.random(in: 1...delayMaxMilliseconds, using: &generator)
        let cutOffUntil = max(isolatedUntil[from] ?? 0, isolatedUntil[to] ?? 0)
        if stream {
            let deliverAt = max(now + delay, streamTails[[from, to]] ?? 0, cutOffUntil)
            streamTails[[from, to]] = deliverAt
            enqueue(message, from: from, to: to, at: deliverAt)
            return
        }
        guard Int.random(in: 0..<100, using: &generator) >= dropPercent, cutOffUntil <= now else { return }
        enqueue(message, from: from, to: to, at: now + delay)
        if Int.random(in: 0..<100, using: &generator) < duplicatePercent {
            enqueue(message, from: from, to: to, at: now + Int64.random(in: 1...delayMaxMilliseconds * 2, using: &generator))
        }
    }

    private mutating func enqueue(_ message: SimulatedMessage, from: MemberID, to: MemberID, at deliverAt: Int64) {
        sent += 1
        inFlight.append(SimulatedEnvelope(deliverAt: deliverAt, order: sent, from: from, to: to, message: message))
    }

    /// Everything due by `now`, in delivery order.
    mutating func takeDue(now: Int64) -> [SimulatedEnvelope] {
        let due = inFlight.filter { $0.deliverAt <= now }
        inFlight.removeAll { $0.deliverAt <= now }
        return due.sorted { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
    }

    mutating func isolate(_ member: MemberID, until end: Int64) {
        isolatedUntil[member] = max(end, isolatedUntil[member] ?? 0)
    }

    mutating func healIsolation() {
        isolatedUntil = [:]
    }

    mutating func reset(_ member: MemberID) {
        inFlight.removeAll { $0.from == member || $0.to == member }
        streamTails = streamTails.filter { !$0.key.contains(member) }
    }
}

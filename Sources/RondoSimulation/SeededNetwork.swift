import RondoCore

/// A seeded network for deterministic simulations, generic over who talks (`Endpoint`) and what
/// they say (`Message`). Datagrams are dropped, duplicated and delayed by random amounts, so they
/// overtake each other. Streams are reliable and ordered per (from, to), like one TCP connection
/// each; `breakConnections` loses everything in flight to and from an endpoint, as a crash
/// closes its sockets. `isolate` is a partition: datagrams to and from the endpoint are lost and
/// its streams stall until it heals (shorter than a TCP timeout, so the connections survive).
///
/// Shared by the whole-cluster simulation and the single-vnode one in RondoClusterTests.
public struct SeededNetwork<Endpoint: Hashable, Message> {
    public static var inFlightMax: Int { 200_000 }

    public var dropPercent: Int
    public var duplicatePercent: Int
    public var delayMaxMilliseconds: Int64
    public private(set) var inFlight: [SeededEnvelope<Endpoint, Message>] = []
    private var sent: UInt64 = 0
    private var streamTails: [StreamKey: Int64] = [:]
    private var isolatedUntil: [Endpoint: Int64] = [:]

    private struct StreamKey: Hashable {
        var from: Endpoint
        var to: Endpoint
    }

    public init(dropPercent: Int, duplicatePercent: Int, delayMaxMilliseconds: Int64) {
        precondition((0...100).contains(dropPercent) && (0...100).contains(duplicatePercent) && delayMaxMilliseconds >= 1)
        self.dropPercent = dropPercent
        self.duplicatePercent = duplicatePercent
        self.delayMaxMilliseconds = delayMaxMilliseconds
    }

    /// `stream`: reliable and ordered on the (from, to) connection; otherwise a datagram.
    public mutating func send(
        _ message: Message, from: Endpoint, to: Endpoint, now: Int64, stream: Bool, using generator: inout SplitMix64
    ) {
        precondition(inFlight.count < Self.inFlightMax, "the simulated network holds \(Self.inFlightMax) messages")
        let delay = Int64.random(in: 1...delayMaxMilliseconds, using: &generator)
        let cutOffUntil = max(isolatedUntil[from] ?? 0, isolatedUntil[to] ?? 0)
        if stream {
            let key = StreamKey(from: from, to: to)
            let deliverAt = max(now + delay, streamTails[key] ?? 0, cutOffUntil)
            streamTails[key] = deliverAt
            enqueue(message, from: from, to: to, at: deliverAt)
            return
        }
        guard Int.random(in: 0..<100, using: &generator) >= dropPercent, cutOffUntil <= now else { return }
        enqueue(message, from: from, to: to, at: now + delay)
        if Int.random(in: 0..<100, using: &generator) < duplicatePercent {
            enqueue(message, from: from, to: to, at: now + Int64.random(in: 1...delayMaxMilliseconds * 2, using: &generator))
        }
    }

    private mutating func enqueue(_ message: Message, from: Endpoint, to: Endpoint, at deliverAt: Int64) {
        sent += 1
        inFlight.append(SeededEnvelope(deliverAt: deliverAt, order: sent, from: from, to: to, message: message))
    }

    /// Everything due by `now`, in delivery order.
    public mutating func takeDue(now: Int64) -> [SeededEnvelope<Endpoint, Message>] {
        let due = inFlight.filter { $0.deliverAt <= now }
        guard !due.isEmpty else { return [] }
        inFlight.removeAll { $0.deliverAt <= now }
        return due.sorted { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
    }

    public mutating func isolate(_ endpoint: Endpoint, until end: Int64) {
        isolatedUntil[endpoint] = max(end, isolatedUntil[endpoint] ?? 0)
    }

    public mutating func healIsolation() {
        isolatedUntil = [:]
    }

    /// The endpoint crashed: its connections close and what they carried is gone.
    public mutating func breakConnections(of endpoint: Endpoint) {
        inFlight.removeAll { $0.from == endpoint || $0.to == endpoint }
        streamTails = streamTails.filter { $0.key.from != endpoint && $0.key.to != endpoint }
    }
}

/// One message on its way: delivered at `deliverAt`, ties broken by send order so runs replay.
public struct SeededEnvelope<Endpoint: Hashable, Message> {
    public var deliverAt: Int64
    public var order: UInt64
    public var from: Endpoint
    public var to: Endpoint
    public var message: Message
}

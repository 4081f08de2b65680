import NIOCore

/// The requests in flight on one connection, oldest first, and the matching of replies to them.
/// The text protocol answers in order, so the oldest request owns the next reply.
public struct InFlightWindow: Sendable {
    /// What a reply did to the window.
    public enum Receipt: Equatable, Sendable {
        /// A `VALUE` frame: its `get` finishes at the following `END`.
        case pending
        case completed(InFlightRequest, RequestOutcome)
        /// A reply that fits no request in flight; the connection can no longer be trusted.
        case unexpected
    }

    public let capacity: Int
    private var requests: CircularBuffer<InFlightRequest>
    private var oldestGetHasValue = false

    public init(capacity: Int) {
        precondition(capacity >= 1, "a window holds at least one request")
        self.capacity = capacity
        requests = CircularBuffer(initialCapacity: capacity)
    }

    public var count: Int { requests.count }
    public var hasRoom: Bool { requests.count < capacity }
    public var isEmpty: Bool { requests.isEmpty }
    public var oldest: InFlightRequest? { requests.first }

    public mutating func append(_ request: InFlightRequest) {
        precondition(hasRoom, "the pipeline depth bounds the requests in flight")
        requests.append(request)
    }

    public mutating func receive(_ response: MemcachedResponse) -> Receipt {
        guard let oldest = requests.first else { return .unexpected }
        switch (oldest.operation.kind, response) {
        case (.get, .value):
            // Single-key gets: a second VALUE before END is not ours.
            if oldestGetHasValue { return .unexpected }
            oldestGetHasValue = true
            return .pending
        case (.get, .end):
            return complete(oldestGetHasValue ? .hit : .miss)
        case (.set, .stored):
            return complete(.stored)
        case (.set, .notStored):
            return complete(.failed(.notStored))
        case (_, .error):
            return complete(.failed(.error))
        case (_, .clientError):
            return complete(.failed(.clientError))
        case (_, .serverError):
            return complete(.failed(.serverError))
        default:
            return .unexpected
        }
    }

    /// Empties the window when its connection is gone; the caller counts what was lost.
    public mutating func removeAll() -> CircularBuffer<InFlightRequest> {
        let abandoned = requests
        requests.removeAll(keepingCapacity: true)
        oldestGetHasValue = false
        return abandoned
    }

    private mutating func complete(_ outcome: RequestOutcome) -> Receipt {
        oldestGetHasValue = false
        return .completed(requests.removeFirst(), outcome)
    }
}

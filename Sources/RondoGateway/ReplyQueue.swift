import NIOCore

/// The replies of one connection that cannot leave yet, in request order. A slot is either ready
/// bytes or a reply still being computed elsewhere (a forward, a replicated write); only the ready
/// slots at the head may be written, so replies leave in request order whatever order the
/// computations finish in. While the queue is empty the handler writes replies straight to its
/// output buffer and never touches this type (the hot path allocates nothing).
struct ReplyQueue {
    private enum Slot {
        case ready(ByteBuffer)
        case waiting
    }

    private var slots = CircularBuffer<Slot>(initialCapacity: 16)
    /// The sequence number of `slots.first`; sequence numbers name waiting slots stably.
    private var firstSequence: UInt64 = 0
    /// Slots still waiting for their reply: what back-pressure counts.
    private(set) var waitingCount = 0
    /// Bytes of the ready slots: replies held back behind a waiting one, also bounded.
    private(set) var queuedBytes = 0

    var isEmpty: Bool { slots.isEmpty }

    /// Appends reply bytes after every earlier slot, coalescing with a ready tail slot.
    mutating func appendReady(_ write: (inout ByteBuffer) -> Void) {
        if let lastIndex = slots.indices.last, case .ready(var tail) = slots[lastIndex] {
            // Leave a placeholder while the buffer is out, so the write does not copy its storage.
            slots[lastIndex] = .waiting
            let before = tail.readableBytes
            write(&tail)
            queuedBytes += tail.readableBytes - before
            slots[lastIndex] = .ready(tail)
            return
        }
        var bytes = ByteBuffer()
        write(&bytes)
        queuedBytes += bytes.readableBytes
        slots.append(.ready(bytes))
    }

    /// Appends a slot whose reply comes later; returns the sequence number to `fulfil` it with.
    mutating func appendWaiting() -> UInt64 {
        slots.append(.waiting)
        waitingCount += 1
        return firstSequence + UInt64(slots.count - 1)
    }

    /// Fills a waiting slot. Unknown or already filled sequence numbers are ignored.
    mutating func fulfil(_ sequence: UInt64, with bytes: ByteBuffer) {
        guard sequence >= firstSequence, sequence - firstSequence < UInt64(slots.count) else { return }
        let index = slots.index(slots.startIndex, offsetBy: Int(sequence - firstSequence))
        guard case .waiting = slots[index] else { return }
        slots[index] = .ready(bytes)
        waitingCount -= 1
        queuedBytes += bytes.readableBytes
    }

    /// Moves the ready slots at the head into `out`, stopping at the first waiting slot.
    mutating func popReady(into out: inout ByteBuffer) {
        while let first = slots.first, case .ready(var bytes) = first {
            queuedBytes -= bytes.readableBytes
            out.writeBuffer(&bytes)
            slots.removeFirst()
            firstSequence += 1
        }
    }
}

import NIOCore
import RondoProtocol
import RondoStorage

/// The classic commands that change items: storage, delete, incr/decr, touch, flush_all.
extension CommandEngine {
    func executeStorage(_ request: StorageRequest, into out: inout ByteBuffer) {
        counters.cmdSet.bump()
        let isCAS = request.command == .cas
        let outcome = store.store(
            request.key, value: request.value, flags: request.flags,
            expiresAt: absoluteExpiry(request.exptime), mode: Self.storeMode(request.command),
            compareCAS: isCAS ? request.casUnique : nil)
        if isCAS { countCAS(outcome) }
        countFailure(outcome)
        guard !request.noreply else { return }
        switch outcome {
        case .stored: out.writeLine("STORED")
        case .notStored: out.writeLine("NOT_STORED")
        case .exists: out.writeLine("EXISTS")
        case .notFound: out.writeLine("NOT_FOUND")
        case .tooLarge: out.writeLine("SERVER_ERROR object too large for cache")
        case .outOfMemory: out.writeLine("SERVER_ERROR out of memory storing object")
        }
    }

    static func storeMode(_ command: StorageRequest.Command) -> StoreMode {
        switch command {
        case .set, .cas: return .set
        case .add: return .add
        case .replace: return .replace
        case .append: return .append
        case .prepend: return .prepend
        }
    }

    func countCAS(_ outcome: StoreOutcome) {
        switch outcome {
        case .stored: counters.casHits.bump()
        case .exists: counters.casBadval.bump()
        case .notFound: counters.casMisses.bump()
        default: break
        }
    }

    func countFailure(_ outcome: StoreOutcome) {
        switch outcome {
        case .tooLarge: counters.storeTooLarge.bump()
        case .outOfMemory: counters.storeNoMemory.bump()
        default: break
        }
    }

    func executeDelete(key: ByteBuffer, noreply: Bool, into out: inout ByteBuffer) {
        let outcome = store.delete(key)
        if outcome == .deleted { counters.deleteHits.bump() } else { counters.deleteMisses.bump() }
        guard !noreply else { return }
        out.writeLine(outcome == .deleted ? "DELETED" : "NOT_FOUND")
    }

    func executeArithmetic(_ request: ArithmeticRequest, into out: inout ByteBuffer) {
        let outcome = store.arithmetic(request.key, delta: request.delta, increment: request.increment)
        countArithmetic(outcome, increment: request.increment)
        guard !request.noreply else { return }
        switch outcome {
        case .value(let value, _):
            out.writeDecimal(value)
            out.writeCRLF()
        case .notFound: out.writeLine("NOT_FOUND")
        case .nonNumeric: out.writeLine("CLIENT_ERROR cannot increment or decrement non-numeric value")
        case .exists: out.writeLine("EXISTS")
        case .outOfMemory: out.writeLine("SERVER_ERROR out of memory")
        }
    }

    /// memcached counts hits and misses (not found) only; a non-numeric value counts as neither.
    func countArithmetic(_ outcome: ArithmeticOutcome, increment: Bool) {
        switch (outcome, increment) {
        case (.value, true): counters.incrHits.bump()
        case (.value, false): counters.decrHits.bump()
        case (.notFound, true): counters.incrMisses.bump()
        case (.notFound, false): counters.decrMisses.bump()
        default: break
        }
    }

    func executeTouch(key: ByteBuffer, exptime: Int64, noreply: Bool, into out: inout ByteBuffer) {
        counters.cmdTouch.bump()
        let touched = store.touch(key, expiresAt: absoluteExpiry(exptime))
        if touched { counters.touchHits.bump() } else { counters.touchMisses.bump() }
        guard !noreply else { return }
        out.writeLine(touched ? "TOUCHED" : "NOT_FOUND")
    }

    func executeFlushAll(delay: Int64, noreply: Bool, into out: inout ByteBuffer) {
        counters.cmdFlush.bump()
        // A zero or negative delay flushes now; a positive one uses the exptime rules.
        store.flushAll(at: delay > 0 ? absoluteExpiry(delay) : nil)
        if !noreply { out.writeLine("OK") }
    }
}

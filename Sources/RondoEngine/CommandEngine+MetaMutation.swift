import NIOCore
import RondoProtocol
import RondoStorage

/// `ms`, `md`, `ma`, `me`. In quiet mode memcached 1.6.18 suppresses only the success reply
/// (`HD`, and for `ma` also `VA`); `NS`, `EX`, `NF` and errors are always sent.
extension CommandEngine {
    func executeMetaSet(_ meta: MetaRequest, value: ByteBuffer, into out: inout ByteBuffer) {
        counters.cmdMeta.bump()
        counters.cmdSet.bump()
        let flags = meta.flags
        let outcome = store.store(
            meta.key, value: value, flags: flags.clientFlags,
            expiresAt: flags.contains("T") ? absoluteExpiry(flags.ttl) : 0,
            mode: Self.metaStoreMode(flags), compareCAS: flags.contains("C") ? flags.compareCAS : nil)
        if flags.contains("C") { countCAS(outcome) }
        countFailure(outcome)
        switch outcome {
        case .stored(let cas):
            guard !meta.quiet else { return }
            out.writeStaticString("HD")
            writeEchoFlags(meta, cas: cas, into: &out)
            out.writeCRLF()
            return
        case .notStored: out.writeStaticString("NS")
        case .exists: out.writeStaticString("EX")
        case .notFound: out.writeStaticString("NF")
        case .tooLarge:
            out.writeLine("SERVER_ERROR object too large for cache")
            return
        case .outOfMemory:
            out.writeLine("SERVER_ERROR out of memory storing object")
            return
        }
        writeEchoFlags(meta, into: &out)
        out.writeCRLF()
    }

    /// The decoder has validated `M`: E add, A append, P prepend, R replace, S set (default).
    static func metaStoreMode(_ flags: MetaFlags) -> StoreMode {
        guard flags.contains("M") else { return .set }
        switch flags.mode {
        case UInt8(ascii: "E"): return .add
        case UInt8(ascii: "A"): return .append
        case UInt8(ascii: "P"): return .prepend
        case UInt8(ascii: "R"): return .replace
        default: return .set
        }
    }

    func executeMetaDelete(_ meta: MetaRequest, into out: inout ByteBuffer) {
        counters.cmdMeta.bump()
        let flags = meta.flags
        let invalidate = flags.contains("I")
        let outcome = store.delete(
            meta.key, compareCAS: flags.contains("C") ? flags.compareCAS : nil, invalidate: invalidate)
        switch outcome {
        case .deleted:
            counters.deleteHits.bump()
            if invalidate && flags.contains("T") {
                _ = store.touch(meta.key, expiresAt: absoluteExpiry(flags.ttl))
            }
            guard !meta.quiet else { return }
            out.writeStaticString("HD")
        case .notFound:
            counters.deleteMisses.bump()
            out.writeStaticString("NF")
        case .exists:
            out.writeStaticString("EX")
        }
        writeEchoFlags(meta, into: &out)
        out.writeCRLF()
    }

    func executeMetaArithmetic(_ meta: MetaRequest, into out: inout ByteBuffer) {
        counters.cmdMeta.bump()
        let flags = meta.flags
        let increment = !(flags.contains("M") && (flags.mode == UInt8(ascii: "D") || flags.mode == UInt8(ascii: "-")))
        let autoCreate: (initial: UInt64, expiresAt: Int64)? =
            flags.contains("N") ? (flags.initial, absoluteExpiry(flags.vivifyTTL)) : nil
        let outcome = store.arithmetic(
            meta.key, delta: flags.delta, increment: increment,
            compareCAS: flags.contains("C") ? flags.compareCAS : nil, autoCreate: autoCreate,
            newExpiresAt: flags.contains("T") ? absoluteExpiry(flags.ttl) : nil)
        countArithmetic(outcome, increment: increment)
        switch outcome {
        case .value(let value, let cas):
            if autoCreate != nil && flags.contains("T") {
                // A freshly created counter gets the T expiry too (the store applies it to existing
                // items only).
                _ = store.touch(meta.key, expiresAt: absoluteExpiry(flags.ttl))
            }
            guard !meta.quiet else { return }
            writeArithmeticSuccess(meta, value: value, cas: cas, into: &out)
        case .notFound:
            out.writeStaticString("NF")
            writeEchoFlags(meta, into: &out)
            out.writeCRLF()
        case .exists:
            out.writeStaticString("EX")
            writeEchoFlags(meta, into: &out)
            out.writeCRLF()
        case .nonNumeric:
            out.writeLine("CLIENT_ERROR cannot increment or decrement non-numeric value")
        case .outOfMemory:
            out.writeLine("SERVER_ERROR out of memory")
        }
    }

    private func writeArithmeticSuccess(_ meta: MetaRequest, value: UInt64, cas: UInt64, into out: inout ByteBuffer) {
        let returnsValue = meta.flags.contains("v")
        if returnsValue {
            out.writeStaticString("VA ")
            out.writeDecimal(RawReplyWriter.decimalDigitCount(value))
        } else {
            out.writeStaticString("HD")
        }
        writeEchoFlags(meta, cas: cas, secondsLeft: {
            // The arithmetic outcome carries no expiry; read it back without bumping the LRU.
            let expiresAt = self.store.get(meta.key, bumpLRU: false)?.expiresAt ?? 0
            return MemcachedExpiry.secondsLeft(expiresAt: expiresAt, now: self.clock.nowSeconds())
        }, into: &out)
        out.writeCRLF()
        if returnsValue {
            out.writeDecimal(value)
            out.writeCRLF()
        }
    }

    /// `me <key>`: `ME <key> exp=<ttl> la=<idle> cas=<cas> fetch=<yes|no> cls=1 size=<bytes>`.
    func executeMetaDebug(_ meta: MetaRequest, into out: inout ByteBuffer) {
        counters.cmdMeta.bump()
        guard let item = store.get(meta.key, bumpLRU: false) else {
            out.writeLine("EN")
            return
        }
        let now = clock.nowSeconds()
        out.writeStaticString("ME ")
        out.writeImmutableBuffer(meta.key)
        out.writeStaticString(" exp=")
        out.writeDecimal(MemcachedExpiry.secondsLeft(expiresAt: item.expiresAt, now: now))
        out.writeStaticString(" la=")
        out.writeDecimal(max(now - item.lastAccess, 0))
        out.writeStaticString(" cas=")
        out.writeDecimal(item.cas)
        out.writeStaticString(item.fetchedBefore ? " fetch=yes" : " fetch=no")
        out.writeStaticString(" cls=1 size=")
        out.writeDecimal(meta.key.readableBytes + item.value.readableBytes)
        out.writeCRLF()
    }
}

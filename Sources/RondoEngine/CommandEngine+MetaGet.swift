import NIOCore
import RondoProtocol
import RondoStorage

/// `mg`: memcached 1.6.18 replies `VA <len> <flags>` / `HD <flags>` on a hit, `EN` on a miss.
extension CommandEngine {
    func executeMetaGet(_ meta: MetaRequest, into out: inout ByteBuffer) {
        counters.cmdMeta.bump()
        counters.cmdGet.bump()
        let flags = meta.flags
        let newExpiresAt: Int64? = flags.contains("T") ? absoluteExpiry(flags.ttl) : nil
        var won = false
        var found = store.get(meta.key, newExpiresAt: newExpiresAt, bumpLRU: !flags.contains("u"))
        if found == nil, flags.contains("N") {
            (found, won) = vivify(meta)
        }
        guard let item = found else {
            counters.getMisses.bump()
            guard !meta.quiet else { return }
            out.writeStaticString("EN")
            writeEchoFlags(meta, into: &out)
            out.writeCRLF()
            return
        }
        counters.getHits.bump()
        if flags.contains("v") {
            out.writeStaticString("VA ")
            out.writeDecimal(item.value.readableBytes)
        } else {
            out.writeStaticString("HD")
        }
        writeHitFlags(meta, item: item, into: &out)
        // A stale (invalidated) item tells the client to recache it. Rondo keeps no per-item
        // "win token handed out" state, so every fetcher of a stale item gets W (see docs).
        if item.isStale { out.writeStaticString(" X") }
        if won || item.isStale { out.writeStaticString(" W") }
        out.writeCRLF()
        if flags.contains("v") {
            out.writeImmutableBuffer(item.value)
            out.writeCRLF()
        }
    }

    /// `N<ttl>` on a miss creates an empty item; the creator gets W (it should fill the item).
    private func vivify(_ meta: MetaRequest) -> (ItemView?, Bool) {
        let expiresAt = absoluteExpiry(meta.flags.vivifyTTL)
        let empty = ByteBuffer()
        if case .stored(let cas) = store.store(meta.key, value: empty, flags: 0, expiresAt: expiresAt, mode: .add) {
            let now = clock.nowSeconds()
            let item = ItemView(
                flags: 0, expiresAt: expiresAt, cas: cas, value: empty, lastAccess: now,
                fetchedBefore: false, isStale: false)
            return (item, true)
        }
        // Another client created it first.
        return (store.get(meta.key), false)
    }

    /// The return flags of an mg hit, in request order.
    private func writeHitFlags(_ meta: MetaRequest, item: ItemView, into out: inout ByteBuffer) {
        var now: Int64?
        func currentTime() -> Int64 {
            if let now { return now }
            let value = clock.nowSeconds()
            now = value
            return value
        }
        var tokens = meta.tokens
        while let token = tokens.next() {
            switch token.firstReadableByte! {
            case UInt8(ascii: "c"):
                out.writeStaticString(" c")
                out.writeDecimal(item.cas)
            case UInt8(ascii: "f"):
                out.writeStaticString(" f")
                out.writeDecimal(item.flags)
            case UInt8(ascii: "h"):
                out.writeStaticString(item.fetchedBefore ? " h1" : " h0")
            case UInt8(ascii: "k"):
                Self.writeKeyEcho(meta, into: &out)
            case UInt8(ascii: "l"):
                out.writeStaticString(" l")
                out.writeDecimal(max(currentTime() - item.lastAccess, 0))
            case UInt8(ascii: "O"):
                Self.writeOpaque(token, into: &out)
            case UInt8(ascii: "s"):
                out.writeStaticString(" s")
                out.writeDecimal(item.value.readableBytes)
            case UInt8(ascii: "t"):
                out.writeStaticString(" t")
                out.writeDecimal(MemcachedExpiry.secondsLeft(expiresAt: item.expiresAt, now: currentTime()))
            default:
                break
            }
        }
    }

    /// `k`: memcached writes the key as sent (base64 stays base64), followed by ` b` when the key
    /// was base64, wherever `b` stood in the request.
    static func writeKeyEcho(_ meta: MetaRequest, into out: inout ByteBuffer) {
        out.writeStaticString(" k")
        out.writeImmutableBuffer(meta.wireKey)
        if meta.flags.contains("b") { out.writeStaticString(" b") }
    }

    /// The flags every meta status line echoes: `k` (the key as sent) and `O`; and `c` / `t`
    /// when the caller has a CAS / an expiry to report.
    func writeEchoFlags(
        _ meta: MetaRequest, cas: UInt64? = nil, secondsLeft: (() -> Int64)? = nil, into out: inout ByteBuffer
    ) {
        var tokens = meta.tokens
        while let token = tokens.next() {
            switch token.firstReadableByte! {
            case UInt8(ascii: "k"):
                Self.writeKeyEcho(meta, into: &out)
            case UInt8(ascii: "O"):
                Self.writeOpaque(token, into: &out)
            case UInt8(ascii: "c"):
                if let cas {
                    out.writeStaticString(" c")
                    out.writeDecimal(cas)
                }
            case UInt8(ascii: "t"):
                if let secondsLeft {
                    out.writeStaticString(" t")
                    out.writeDecimal(secondsLeft())
                }
            default:
                break
            }
        }
    }

    /// ` O<opaque>`: the token is echoed as sent.
    static func writeOpaque(_ token: ByteBuffer, into out: inout ByteBuffer) {
        out.writeInteger(UInt8(ascii: " "))
        out.writeImmutableBuffer(token)
    }
}

import NIOCore

/// Re-encoding of decoded requests into their canonical text form, so that a cluster node can
/// forward a client's request to the key's primary (`ForwardedRequest` carries these bytes).
/// Decoding the encoding yields an equal request; the tests check that round trip.
extension MemcachedRequest {
    /// Appends the request's wire form (command line, data block for storage commands).
    /// `.error` requests are replies, not commands: they throw `.notEncodable`.
    public func encode(into out: inout ByteBuffer) throws(MemcachedEncodingError) {
        switch self {
        case .retrieve(let retrieval):
            retrieval.encodeLine(into: &out)
        case .store(let storage):
            storage.encode(into: &out)
        case .delete(let key, let noreply):
            out.writeStaticString("delete ")
            out.writeImmutableBuffer(key)
            Self.finishLine(noreply: noreply, into: &out)
        case .arithmetic(let arithmetic):
            out.writeStaticString(arithmetic.increment ? "incr " : "decr ")
            out.writeImmutableBuffer(arithmetic.key)
            out.writeSpaceAndDecimal(arithmetic.delta)
            Self.finishLine(noreply: arithmetic.noreply, into: &out)
        case .touch(let key, let exptime, let noreply):
            out.writeStaticString("touch ")
            out.writeImmutableBuffer(key)
            out.writeSpaceAndDecimal(exptime)
            Self.finishLine(noreply: noreply, into: &out)
        case .flushAll(let delay, let noreply):
            out.writeStaticString("flush_all ")
            out.writeDecimal(delay)
            Self.finishLine(noreply: noreply, into: &out)
        case .version:
            out.writeLine("version")
        case .verbosity(let noreply):
            // The level is not kept by the decoder (Rondo has one log level per process).
            out.writeStaticString("verbosity 1")
            Self.finishLine(noreply: noreply, into: &out)
        case .cacheMemoryLimit(let megabytes, let noreply):
            out.writeStaticString("cache_memlimit ")
            out.writeDecimal(megabytes)
            Self.finishLine(noreply: noreply, into: &out)
        case .stats(let group):
            group.encodeLine(into: &out)
        case .quit:
            out.writeLine("quit")
        case .routingTable:
            out.writeLine("rondo_routing")
        case .metaGet(let meta):
            meta.encodeLine(command: "mg", into: &out)
        case .metaSet(let meta, let value):
            out.writeStaticString("ms ")
            out.writeImmutableBuffer(meta.wireKey)
            out.writeSpaceAndDecimal(value.readableBytes)
            meta.finishFlagTokens(into: &out)
            out.writeImmutableBuffer(value)
            out.writeCRLF()
        case .metaDelete(let meta):
            meta.encodeLine(command: "md", into: &out)
        case .metaArithmetic(let meta):
            meta.encodeLine(command: "ma", into: &out)
        case .metaDebug(let meta):
            meta.encodeLine(command: "me", into: &out)
        case .metaNoOp:
            out.writeLine("mn")
        case .error:
            throw .notEncodable
        }
    }

    private static func finishLine(noreply: Bool, into out: inout ByteBuffer) {
        if noreply { out.writeStaticString(" noreply") }
        out.writeCRLF()
    }
}

/// Why a request has no wire form.
public enum MemcachedEncodingError: Error, Sendable, Equatable {
    /// `.error` stands for a reply to bad input; there is no command to send.
    case notEncodable
}

extension RetrievalRequest {
    /// `get|gets <key>*` or `gat|gats <exptime> <key>*`.
    func encodeLine(into out: inout ByteBuffer) {
        switch command {
        case .get: out.writeStaticString("get")
        case .gets: out.writeStaticString("gets")
        case .gat: out.writeStaticString("gat")
        case .gats: out.writeStaticString("gats")
        }
        if touches { out.writeSpaceAndDecimal(exptime) }
        for key in keys {
            out.writeInteger(UInt8(ascii: " "))
            out.writeImmutableBuffer(key)
        }
        out.writeCRLF()
    }
}

extension StorageRequest {
    /// `<cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply]` and the data block.
    func encode(into out: inout ByteBuffer) {
        switch command {
        case .set: out.writeStaticString("set ")
        case .add: out.writeStaticString("add ")
        case .replace: out.writeStaticString("replace ")
        case .append: out.writeStaticString("append ")
        case .prepend: out.writeStaticString("prepend ")
        case .cas: out.writeStaticString("cas ")
        }
        out.writeImmutableBuffer(key)
        out.writeSpaceAndDecimal(flags)
        out.writeSpaceAndDecimal(exptime)
        out.writeSpaceAndDecimal(value.readableBytes)
        if command == .cas { out.writeSpaceAndDecimal(casUnique) }
        if noreply { out.writeStaticString(" noreply") }
        out.writeCRLF()
        out.writeImmutableBuffer(value)
        out.writeCRLF()
    }
}

extension StatsGroup {
    func encodeLine(into out: inout ByteBuffer) {
        switch self {
        case .general: out.writeLine("stats")
        case .settings: out.writeLine("stats settings")
        case .items: out.writeLine("stats items")
        case .slabs: out.writeLine("stats slabs")
        case .sizes: out.writeLine("stats sizes")
        case .reset: out.writeLine("stats reset")
        case .cachedump(let slabClass, let limit):
            out.writeStaticString("stats cachedump")
            out.writeSpaceAndDecimal(slabClass)
            out.writeSpaceAndDecimal(limit)
            out.writeCRLF()
        }
    }
}

extension MetaRequest {
    /// `<cmd> <wire key> <flags as sent>`: the key stays in its wire form (base64 with `b`) and the
    /// flags keep their order, so return flags and opaques come back exactly as the client sent them.
    func encodeLine(command: StaticString, into out: inout ByteBuffer) {
        out.writeStaticString(command)
        out.writeInteger(UInt8(ascii: " "))
        out.writeImmutableBuffer(wireKey)
        finishFlagTokens(into: &out)
    }

    func finishFlagTokens(into out: inout ByteBuffer) {
        if flagTokens.readableBytes > 0 {
            out.writeInteger(UInt8(ascii: " "))
            out.writeImmutableBuffer(flagTokens)
        }
        out.writeCRLF()
    }
}

extension ByteBuffer {
    @inlinable
    mutating func writeSpaceAndDecimal(_ value: UInt64) {
        writeInteger(UInt8(ascii: " "))
        writeDecimal(value)
    }

    @inlinable
    mutating func writeSpaceAndDecimal(_ value: Int64) {
        writeInteger(UInt8(ascii: " "))
        writeDecimal(value)
    }

    @inlinable
    mutating func writeSpaceAndDecimal(_ value: Int) {
        writeInteger(UInt8(ascii: " "))
        writeDecimal(value)
    }

    @inlinable
    mutating func writeSpaceAndDecimal(_ value: UInt32) {
        writeInteger(UInt8(ascii: " "))
        writeDecimal(value)
    }
}

import NIOCore
import RondoProtocol
import RondoStorage

/// `get`, `gets`, `gat`, `gats`.
extension CommandEngine {
    func executeRetrieval(_ request: RetrievalRequest, into out: inout ByteBuffer) {
        let newExpiresAt: Int64? = request.touches ? absoluteExpiry(request.exptime) : nil
        let returnsCAS = request.returnsCAS
        for key in request.keys {
            counters.cmdGet.bump()
            guard let item = store.get(key, newExpiresAt: newExpiresAt) else {
                if request.touches {
                    counters.cmdTouch.bump()
                    counters.touchMisses.bump()
                } else {
                    counters.getMisses.bump()
                }
                continue
            }
            if request.touches {
                counters.cmdTouch.bump()
                counters.touchHits.bump()
            } else {
                counters.getHits.bump()
            }
            Self.writeValue(key: key, item: item, returnsCAS: returnsCAS, into: &out)
        }
        out.writeLine("END")
    }

    /// `VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n`
    static func writeValue(key: ByteBuffer, item: ItemView, returnsCAS: Bool, into out: inout ByteBuffer) {
        out.writeStaticString("VALUE ")
        out.writeImmutableBuffer(key)
        out.writeInteger(UInt8(ascii: " "))
        out.writeDecimal(item.flags)
        out.writeInteger(UInt8(ascii: " "))
        out.writeDecimal(item.value.readableBytes)
        if returnsCAS {
            out.writeInteger(UInt8(ascii: " "))
            out.writeDecimal(item.cas)
        }
        out.writeCRLF()
        out.writeImmutableBuffer(item.value)
        out.writeCRLF()
    }
}

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

    /// `VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n`, reserved and written in one step: each
    /// separate `ByteBuffer` write checks uniqueness and capacity again, and a get hit made nine.
    static func writeValue(key: ByteBuffer, item: ItemView, returnsCAS: Bool, into out: inout ByteBuffer) {
        let valueLength = item.value.readableBytes
        let flags = UInt64(item.flags)
        let flagsDigits = RawReplyWriter.decimalDigitCount(flags)
        let lengthDigits = RawReplyWriter.decimalDigitCount(UInt64(valueLength))
        let casDigits = returnsCAS ? RawReplyWriter.decimalDigitCount(item.cas) : 0
        let casLength = returnsCAS ? 1 + casDigits : 0
        let total = 6 + key.readableBytes + 1 + flagsDigits + 1 + lengthDigits + casLength + 2 + valueLength + 2
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
            var at = RawReplyWriter.copy("VALUE ", to: target, at: 0)
            at = key.withUnsafeReadableBytes { RawReplyWriter.copy($0, to: target, at: at) }
            at = RawReplyWriter.write(UInt8(ascii: " "), to: target, at: at)
            at = RawReplyWriter.writeDecimal(flags, digits: flagsDigits, to: target, at: at)
            at = RawReplyWriter.write(UInt8(ascii: " "), to: target, at: at)
            at = RawReplyWriter.writeDecimal(UInt64(valueLength), digits: lengthDigits, to: target, at: at)
            if returnsCAS {
                at = RawReplyWriter.write(UInt8(ascii: " "), to: target, at: at)
                at = RawReplyWriter.writeDecimal(item.cas, digits: casDigits, to: target, at: at)
            }
            at = RawReplyWriter.copy("\r\n", to: target, at: at)
            at = item.value.withUnsafeReadableBytes { RawReplyWriter.copy($0, to: target, at: at) }
            return RawReplyWriter.copy("\r\n", to: target, at: at)
        }
    }
}

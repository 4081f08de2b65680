import NIOCore
import RondoProtocol

/// The VALUE blocks of a `get`/`gets`/`gat`/`gats` reply, parsed only as far as merging needs:
/// each block's key and its complete bytes (VALUE line, data block and CRLF), relayed unchanged.
struct RetrievalReply {
    struct Block {
        var key: ByteBuffer
        /// `VALUE <key> <flags> <bytes> [<cas>]\r\n<data>\r\n`.
        var bytes: ByteBuffer
    }

    var blocks: [Block]

    /// Parses a complete reply: any number of VALUE blocks, then `END\r\n` and nothing after it.
    init(parsing reply: ByteBuffer) throws(RetrievalReplyError) {
        var rest = reply
        var blocks: [Block] = []
        while true {
            let start = rest
            guard let line = Self.readLine(&rest) else { throw .malformed }
            if line.readableBytesEqual("END") {
                guard rest.readableBytes == 0 else { throw .malformed }
                self.blocks = blocks
                return
            }
            var tokens = LineTokenizer(line)
            guard let command = tokens.next() else { throw .malformed }
            if command.readableBytesEqual("SERVER_ERROR") || command.readableBytesEqual("CLIENT_ERROR")
                || command.readableBytesEqual("ERROR")
            {
                let reason = String(buffer: tokens.remainder)
                throw .serverError(reason.isEmpty ? String(buffer: line) : reason)
            }
            guard command.readableBytesEqual("VALUE"), let key = tokens.next(), tokens.next() != nil,
                let lengthToken = tokens.next(), let length = lengthToken.parseDecimalInt64(), length >= 0,
                rest.readableBytes >= Int(length) + 2
            else { throw .malformed }
            rest.moveReaderIndex(forwardBy: Int(length))
            guard rest.readInteger(endianness: .big, as: UInt16.self) == 0x0D0A else { throw .malformed }
            let blockLength = rest.readerIndex - start.readerIndex
            blocks.append(Block(key: key, bytes: start.getSlice(at: start.readerIndex, length: blockLength)!))
        }
    }

    /// The next CRLF-terminated line without its CRLF, or nil when there is none.
    private static func readLine(_ buffer: inout ByteBuffer) -> ByteBuffer? {
        let crlf: Int? = buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == UInt8(ascii: "\r") && bytes[index + 1] == UInt8(ascii: "\n") { return index }
                index += 1
            }
            return nil
        }
        guard let crlf else { return nil }
        let line = buffer.readSlice(length: crlf)!
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }
}

import NIOCore
import RondoProtocol

/// `SERVER_ERROR <reason>\r\n`, the reply for every failure of the cluster path (memcached's own
/// form for server-side failures; meta commands get it too, as memcached's proxy does).
public enum ServerErrorReply {
    /// Longest reason written: a runtime error message must not turn into an unbounded reply.
    public static let reasonBytesMax = 200

    public static func write(reason: String, into out: inout ByteBuffer) {
        out.writeStaticString("SERVER_ERROR ")
        var written = 0
        for byte in reason.utf8 {
            guard written < reasonBytesMax else { break }
            // A reason is one line: a CR or LF in it would end the reply early and desynchronise
            // the client's parser.
            out.writeInteger(byte < 0x20 || byte == 0x7F ? UInt8(ascii: " ") : byte)
            written += 1
        }
        if written == 0 { out.writeStaticString("request failed") }
        out.writeCRLF()
    }

    static func reason(of error: any Error) -> String {
        if let failure = error as? GatewayFailure { return failure.reason }
        if let replyError = error as? RetrievalReplyError { return replyError.reason }
        return "request failed"
    }

    public static func bytes(reason: String) -> ByteBuffer {
        var out = ByteBuffer()
        write(reason: reason, into: &out)
        return out
    }
}

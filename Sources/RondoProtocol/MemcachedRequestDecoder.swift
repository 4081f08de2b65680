import NIOCore

/// Decodes the memcached text protocol (classic and meta commands) into `MemcachedRequest`s.
/// Use it with `ByteToMessageHandler` or `NIOSingleStepByteToMessageProcessor`. Fatal input (an endless line) throws
/// `MemcachedDecoderError`; everything else memcached survives decodes as `.error`.
///
/// `decode` returns nil only when the buffer holds no complete request; it may have consumed bytes
/// then only to swallow a data block that is being discarded (too large, or after an ms error), where
/// keeping those bytes buffered would defeat the point of swallowing them.
public struct MemcachedRequestDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MemcachedRequest

    /// A storage command whose data block has not fully arrived.
    enum PendingData: Equatable {
        case storage(StorageRequest)
        case metaSet(MetaRequest)
    }

    enum State: Equatable {
        case awaitingLine
        case awaitingData(PendingData, length: Int)
        /// Discarding `remaining` bytes, then emitting `reply`.
        case swallowing(remaining: Int, reply: MemcachedRequest)
    }

    /// What a complete command line leads to.
    enum LineOutcome {
        case request(MemcachedRequest)
        case awaitData(PendingData, length: Int)
        case swallow(bytes: Int, then: MemcachedRequest)
    }

    let limits: ProtocolLimits
    private var state: State = .awaitingLine
    /// Bytes of the current partial line already searched for a newline, so that a line arriving
    /// byte by byte is scanned once, not quadratically.
    private var scannedLineBytes = 0

    public init(limits: ProtocolLimits = ProtocolLimits()) {
        self.limits = limits
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MemcachedRequest? {
        while true {
            switch state {
            case .awaitingLine:
                guard let line = try readLine(&buffer) else { return nil }
                switch parse(line: line) {
                case .request(let request):
                    return request
                case .awaitData(let pending, let length):
                    state = .awaitingData(pending, length: length)
                case .swallow(let bytes, let reply):
                    state = .swallowing(remaining: bytes, reply: reply)
                }

            case .awaitingData(let pending, let length):
                guard buffer.readableBytes >= length + 2 else { return nil }
                let value = buffer.readSlice(length: length)!
                let terminator = buffer.readInteger(endianness: .big, as: UInt16.self)!
                state = .awaitingLine
                return Self.complete(pending, value: value, wellTerminated: terminator == 0x0D0A)

            case .swallowing(let remaining, let reply):
                let discarded = min(remaining, buffer.readableBytes)
                buffer.moveReaderIndex(forwardBy: discarded)
                if discarded == remaining {
                    state = .awaitingLine
                    return reply
                }
                state = .swallowing(remaining: remaining - discarded, reply: reply)
                return nil
            }
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MemcachedRequest? {
        // A partial request at EOF is dropped, as memcached drops it when the client goes away.
        try decode(buffer: &buffer)
    }

    /// memcached reads exactly `length + 2` bytes and reports a bad chunk when the last two are not
    /// CRLF; the bytes after them are parsed as the next command.
    private static func complete(_ pending: PendingData, value: ByteBuffer, wellTerminated: Bool) -> MemcachedRequest {
        switch pending {
        case .storage(var request):
            guard wellTerminated else { return .error(.badDataChunk, noreply: request.noreply) }
            request.value = value
            return .store(request)
        case .metaSet(let request):
            guard wellTerminated else { return .error(.badDataChunk, noreply: false) }
            return .metaSet(request, value: value)
        }
    }

    /// The next line without its `\n` (and `\r`), or nil when none is complete yet.
    private mutating func readLine(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let readable = buffer.readableBytes
        let alreadyScanned = min(scannedLineBytes, readable)
        let newline: Int? = buffer.withUnsafeReadableBytes { bytes in
            bytes[alreadyScanned...].firstIndex(of: UInt8(ascii: "\n"))
        }
        // A line within both limits is within its own, whichever command it holds: only longer
        // lines need `lineLimit`'s look at the command (the hot path skips it).
        let commonLimit = min(limits.maxLineBytes, limits.maxRetrievalLineBytes)
        guard let newline else {
            // One byte of slack for the `\r` that precedes the newline.
            if readable > commonLimit + 1 {
                let limit = lineLimit(startingAt: buffer)
                if readable > limit + 1 { throw MemcachedDecoderError.lineTooLong(limit: limit) }
            }
            scannedLineBytes = readable
            return nil
        }
        scannedLineBytes = 0
        var length = newline
        if length > 0, buffer.getInteger(at: buffer.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
        }
        if length > commonLimit {
            let limit = lineLimit(startingAt: buffer)
            guard length <= limit else { throw MemcachedDecoderError.lineTooLong(limit: limit) }
        }
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(forwardBy: newline + 1)
        return line
    }

    /// Retrieval lines may be longer than other lines (memcached's large multiget exception).
    private func lineLimit(startingAt buffer: ByteBuffer) -> Int {
        let isRetrieval = buffer.withUnsafeReadableBytes { bytes -> Bool in
            func startsWith(_ prefix: StaticString) -> Bool {
                let expected = UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
                return bytes.count >= expected.count && bytes.prefix(expected.count).elementsEqual(expected)
            }
            return startsWith("get ") || startsWith("gets ") || startsWith("gat ") || startsWith("gats ")
        }
        return isRetrieval ? limits.maxRetrievalLineBytes : limits.maxLineBytes
    }

    private func parse(line: ByteBuffer) -> LineOutcome {
        var tokens = LineTokenizer(line)
        guard let command = tokens.next() else { return .request(.error(.unknownCommand, noreply: false)) }
        switch command.readableBytes {
        case 2:
            return parseMeta(command: command, tokens: tokens)
        default:
            return parseClassic(command: command, tokens: tokens)
        }
    }

    func isValidKey(_ key: ByteBuffer) -> Bool {
        key.readableBytes <= limits.maxKeyBytes
    }
}

import NIOCore

/// Frames text-protocol replies. Consumes bytes only when a whole frame (for `VALUE`, header line and
/// data block) is in the buffer, so it never strands half a frame.
///
/// Lines are scanned and parsed over the raw readable bytes: every reply passes through here, and
/// walking a `ByteBufferView` element by element cost the generator more than the rest of the
/// reply path together (measured with perf against memcached).
public struct MemcachedResponseDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MemcachedResponse

    /// memcached's own bound on a line without a newline.
    public static let lineLengthMax = 2048

    private let valueBytesMax: Int

    public init(valueBytesMax: Int = BenchConfiguration.Limits.valueSizeBytesMax) {
        self.valueBytesMax = valueBytesMax
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MemcachedResponse? {
        let valueBytesMax = self.valueBytesMax
        let frame = try buffer.withUnsafeReadableBytes { try Self.scan($0, valueBytesMax: valueBytesMax) }
        switch frame {
        case .incomplete:
            return nil
        case .reply(let response, let frameLength):
            buffer.moveReaderIndex(forwardBy: frameLength)
            return response
        case .value(let header):
            let start = buffer.readerIndex
            let key = buffer.getSlice(at: start + header.keyOffset, length: header.keyLength)!
            let data = buffer.getSlice(at: start + header.dataOffset, length: header.dataLength)!
            buffer.moveReaderIndex(forwardBy: header.dataOffset + header.dataLength + 2)
            return .value(key: key, flags: header.flags, data: data)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MemcachedResponse? {
        try decode(buffer: &buffer)
    }

    private struct ValueHeader {
        var keyOffset: Int
        var keyLength: Int
        var flags: UInt32
        var dataOffset: Int
        var dataLength: Int
    }

    private enum Frame {
        case incomplete
        case reply(MemcachedResponse, frameLength: Int)
        /// A complete `VALUE` frame; offsets are from the first readable byte.
        case value(ValueHeader)
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer, valueBytesMax: Int) throws -> Frame {
        guard let newline = bytes.prefix(lineLengthMax + 1).firstIndex(of: newlineByte) else {
            if bytes.count > lineLengthMax {
                throw MemcachedResponseDecoderError(code: .lineTooLong, offendingBytes: bytes)
            }
            return .incomplete
        }
        guard newline > 0, bytes[newline - 1] == carriageReturn else {
            throw MemcachedResponseDecoderError(code: .missingCarriageReturn, offendingBytes: bytes[...newline])
        }
        let line = UnsafeRawBufferPointer(rebasing: bytes[..<(newline - 1)])
        guard line.first == UInt8(ascii: "V") else {
            return .reply(try reply(line), frameLength: newline + 1)
        }
        let header = try valueHeader(line, dataOffset: newline + 1)
        guard header.dataLength <= valueBytesMax else {
            throw MemcachedResponseDecoderError(code: .valueTooLarge, offendingBytes: line)
        }
        let dataEnd = header.dataOffset + header.dataLength
        guard bytes.count >= dataEnd + 2 else { return .incomplete }
        guard bytes[dataEnd] == carriageReturn, bytes[dataEnd + 1] == newlineByte else {
            throw MemcachedResponseDecoderError(code: .badDataTerminator, offendingBytes: line)
        }
        return .value(header)
    }

    /// `VALUE <key> <flags> <bytes>[ <cas>]`
    private static func valueHeader(_ line: UnsafeRawBufferPointer, dataOffset: Int) throws -> ValueHeader {
        var position = 0
        func malformed() -> MemcachedResponseDecoderError {
            MemcachedResponseDecoderError(code: .malformedValueHeader, offendingBytes: line)
        }
        guard let word = nextToken(line, &position), line[word].elementsEqual(valueWord),
            let key = nextToken(line, &position),
            let flags = nextToken(line, &position).flatMap({ parseDecimal(line[$0]) }), flags <= UInt64(UInt32.max),
            let length = nextToken(line, &position).flatMap({ parseDecimal(line[$0]) }), length <= UInt64(Int32.max)
        else {
            throw malformed()
        }
        // `gets` adds a cas unique; nothing may follow it.
        if let cas = nextToken(line, &position), parseDecimal(line[cas]) == nil || nextToken(line, &position) != nil {
            throw malformed()
        }
        return ValueHeader(
            keyOffset: key.lowerBound,
            keyLength: key.count,
            flags: UInt32(flags),
            dataOffset: dataOffset,
            dataLength: Int(length)
        )
    }

    /// The range of the next space-separated token at or after `position`, which moves past it.
    private static func nextToken(_ line: UnsafeRawBufferPointer, _ position: inout Int) -> Range<Int>? {
        while position < line.count, line[position] == space {
            position += 1
        }
        guard position < line.count else { return nil }
        let start = position
        while position < line.count, line[position] != space {
            position += 1
        }
        return start..<position
    }

    private static func reply(_ line: UnsafeRawBufferPointer) throws -> MemcachedResponse {
        for (word, response) in exactReplies where line.elementsEqual(word) {
            return response
        }
        if let message = message(after: clientErrorWord, in: line) {
            return .clientError(message)
        }
        if let message = message(after: serverErrorWord, in: line) {
            return .serverError(message)
        }
        throw MemcachedResponseDecoderError(code: .unknownResponse, offendingBytes: line)
    }

    /// The text after `WORD ` (or empty for a bare `WORD`), if the line starts with that word.
    private static func message(after word: [UInt8], in line: UnsafeRawBufferPointer) -> String? {
        guard line.starts(with: word) else { return nil }
        let rest = line.dropFirst(word.count)
        if rest.isEmpty { return "" }
        guard rest.first == space else { return nil }
        return String(decoding: rest.dropFirst(), as: UTF8.self)
    }

    private static func parseDecimal(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static let newlineByte = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let valueWord = Array("VALUE".utf8)
    private static let clientErrorWord = Array("CLIENT_ERROR".utf8)
    private static let serverErrorWord = Array("SERVER_ERROR".utf8)
    private static let exactReplies: [([UInt8], MemcachedResponse)] = [
        (Array("END".utf8), .end),
        (Array("STORED".utf8), .stored),
        (Array("NOT_STORED".utf8), .notStored),
        (Array("EXISTS".utf8), .exists),
        (Array("NOT_FOUND".utf8), .notFound),
        (Array("DELETED".utf8), .deleted),
        (Array("ERROR".utf8), .error),
    ]
}

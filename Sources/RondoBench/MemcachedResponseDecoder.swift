import NIOCore

/// Frames text-protocol replies. Consumes bytes only when a whole frame (for `VALUE`, header line and
/// data block) is in the buffer, so it never strands half a frame.
public struct MemcachedResponseDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MemcachedResponse

    /// memcached's own bound on a line without a newline.
    public static let lineLengthMax = 2048

    private let valueBytesMax: Int

    public init(valueBytesMax: Int = BenchConfiguration.Limits.valueSizeBytesMax) {
        self.valueBytesMax = valueBytesMax
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MemcachedResponse? {
        let view = buffer.readableBytesView
        let searched = view.prefix(Self.lineLengthMax + 1)
        guard let newline = searched.firstIndex(of: Self.newline) else {
            if searched.count > Self.lineLengthMax {
                throw MemcachedResponseDecoderError(code: .lineTooLong, offendingBytes: searched)
            }
            return nil
        }
        guard newline > view.startIndex, view[newline - 1] == Self.carriageReturn else {
            throw MemcachedResponseDecoderError(code: .missingCarriageReturn, offendingBytes: view[...newline])
        }
        let line = view[view.startIndex..<(newline - 1)]
        let frameEnd = newline + 1
        if line.first == UInt8(ascii: "V") {
            return try decodeValue(line: line, dataStart: frameEnd, buffer: &buffer)
        }
        let response = try Self.simpleResponse(line)
        buffer.moveReaderIndex(to: frameEnd)
        return response
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MemcachedResponse? {
        try decode(buffer: &buffer)
    }

    private func decodeValue(line: ByteBufferView, dataStart: Int, buffer: inout ByteBuffer) throws -> MemcachedResponse? {
        let header = try Self.valueHeader(line)
        guard header.dataLength <= valueBytesMax else {
            throw MemcachedResponseDecoderError(code: .valueTooLarge, offendingBytes: line)
        }
        let frameEnd = dataStart + header.dataLength + 2
        guard buffer.writerIndex >= frameEnd else { return nil }
        guard buffer.getInteger(at: frameEnd - 2, as: UInt16.self) == Self.crlf else {
            throw MemcachedResponseDecoderError(code: .badDataTerminator, offendingBytes: line)
        }
        let key = buffer.getSlice(at: header.keyRange.lowerBound, length: header.keyRange.count)!
        let data = buffer.getSlice(at: dataStart, length: header.dataLength)!
        buffer.moveReaderIndex(to: frameEnd)
        return .value(key: key, flags: header.flags, data: data)
    }

    private struct ValueHeader {
        var keyRange: Range<Int>
        var flags: UInt32
        var dataLength: Int
    }

    /// `VALUE <key> <flags> <bytes>[ <cas>]`
    private static func valueHeader(_ line: ByteBufferView) throws -> ValueHeader {
        let tokens = line.split(separator: UInt8(ascii: " "), maxSplits: 5, omittingEmptySubsequences: true)
        guard tokens.count == 4 || tokens.count == 5,
            tokens[0].elementsEqual(valueWord),
            let flags = parseDecimal(tokens[2]), flags <= UInt64(UInt32.max),
            let length = parseDecimal(tokens[3]), length <= UInt64(Int32.max),
            tokens.count == 4 || parseDecimal(tokens[4]) != nil
        else {
            throw MemcachedResponseDecoderError(code: .malformedValueHeader, offendingBytes: line)
        }
        return ValueHeader(
            keyRange: tokens[1].startIndex..<tokens[1].endIndex,
            flags: UInt32(flags),
            dataLength: Int(length)
        )
    }

    private static func simpleResponse(_ line: ByteBufferView) throws -> MemcachedResponse {
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
    private static func message(after word: [UInt8], in line: ByteBufferView) -> String? {
        guard line.starts(with: word) else { return nil }
        let rest = line.dropFirst(word.count)
        if rest.isEmpty { return "" }
        guard rest.first == UInt8(ascii: " ") else { return nil }
        return String(decoding: rest.dropFirst(), as: UTF8.self)
    }

    private static func parseDecimal(_ digits: ByteBufferView) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let crlf: UInt16 = 0x0D0A
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

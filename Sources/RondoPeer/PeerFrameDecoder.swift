import NIOCore

/// Bytes → `PeerFrame`s. Rejects a frame whose length prefix exceeds the limit as soon as the
/// prefix arrives (nothing of it is buffered), and checks the TLV structure of every frame.
///
/// `decodeFrame(from:)` is the whole decoder with a typed error; the transport's inbound handler
/// calls it directly on its own cumulation buffer, and the `NIOSingleStepByteToMessageDecoder`
/// conformance wraps it for pipelines and tests that use a `ByteToMessageHandler`.
public struct PeerFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = PeerFrame

    public let limits: PeerProtocolLimits

    public init(limits: PeerProtocolLimits = .default) {
        self.limits = limits
    }

    /// The next whole frame at the front of `buffer` (consumed), or nil (nothing consumed) when
    /// its bytes have not all arrived yet.
    public func decodeFrame(from buffer: inout ByteBuffer) throws(PeerProtocolError) -> PeerFrame? {
        guard let declared = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard declared >= 4 else { throw .frameLengthTooSmall(declaredBytes: declared) }
        let frameBytes = 4 + Int(declared)
        guard frameBytes <= limits.frameBytesMax else {
            throw .frameTooLarge(frameBytes: frameBytes, limitBytes: limits.frameBytesMax)
        }
        guard buffer.readableBytes >= frameBytes else { return nil }
        var frameBuffer = buffer.readSlice(length: frameBytes)!
        frameBuffer.moveReaderIndex(forwardBy: 4)
        let messageType = PeerMessageType(rawValue: frameBuffer.readInteger()!)
        let flags = PeerFrameFlags(rawValue: frameBuffer.readInteger()!)
        let fields = try readFields(from: &frameBuffer, messageType: messageType)
        return PeerFrame(messageType: messageType, flags: flags, fields: fields)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> PeerFrame? {
        try decodeFrame(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PeerFrame? {
        if let frame = try decodeFrame(from: &buffer) { return frame }
        guard buffer.readableBytes == 0 else {
            throw PeerProtocolError.truncatedFrame(bufferedBytes: buffer.readableBytes)
        }
        return nil
    }

    /// Two passes over the payload: the first checks the TLV structure and counts the fields, so
    /// the array is allocated once at its final size (appending to an empty array reallocated it
    /// on the first and second field, i.e. for nearly every frame); the second slices the values.
    private func readFields(from payload: inout ByteBuffer, messageType: PeerMessageType) throws(PeerProtocolError) -> [PeerField] {
        let count = try countFields(in: payload, messageType: messageType)
        var fields: [PeerField] = []
        fields.reserveCapacity(count)
        for _ in 0..<count {
            // The first pass checked that every header and value is there.
            let tag: UInt16 = payload.readInteger()!
            let length: UInt32 = payload.readInteger()!
            fields.append(PeerField(tag: tag, value: payload.readSlice(length: Int(length))!))
        }
        return fields
    }

    private func countFields(in payload: ByteBuffer, messageType: PeerMessageType) throws(PeerProtocolError) -> Int {
        var offset = payload.readerIndex
        let end = payload.writerIndex
        var count = 0
        while offset < end {
            guard count < limits.fieldsPerFrameMax else {
                throw .tooManyFields(messageType: messageType, limit: limits.fieldsPerFrameMax)
            }
            let remaining = end - offset
            guard remaining >= PeerField.headerBytes else {
                throw .truncatedFieldHeader(messageType: messageType, remainingBytes: remaining)
            }
            let tag = payload.getInteger(at: offset, as: UInt16.self)!
            let length = payload.getInteger(at: offset + 2, as: UInt32.self)!
            let valueBytes = remaining - PeerField.headerBytes
            guard Int(length) <= valueBytes else {
                throw .fieldOverrunsFrame(messageType: messageType, tag: tag, declaredBytes: length, remainingBytes: valueBytes)
            }
            offset += PeerField.headerBytes + Int(length)
            count += 1
        }
        return count
    }
}

import NIOCore

/// Bytes → `PeerFrame`s. Rejects a frame whose length prefix exceeds the limit as soon as the
/// prefix arrives (nothing of it is buffered), and checks the TLV structure of every frame.
public struct PeerFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = PeerFrame

    public let limits: PeerProtocolLimits

    public init(limits: PeerProtocolLimits = .default) {
        self.limits = limits
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> PeerFrame? {
        guard let declared = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard declared >= 4 else { throw PeerProtocolError.frameLengthTooSmall(declaredBytes: declared) }
        let frameBytes = 4 + Int(declared)
        guard frameBytes <= limits.frameBytesMax else {
            throw PeerProtocolError.frameTooLarge(frameBytes: frameBytes, limitBytes: limits.frameBytesMax)
        }
        guard buffer.readableBytes >= frameBytes else { return nil }
        var frameBuffer = buffer.readSlice(length: frameBytes)!
        frameBuffer.moveReaderIndex(forwardBy: 4)
        let messageType = PeerMessageType(rawValue: frameBuffer.readInteger()!)
        let flags = PeerFrameFlags(rawValue: frameBuffer.readInteger()!)
        let fields = try readFields(from: &frameBuffer, messageType: messageType)
        return PeerFrame(messageType: messageType, flags: flags, fields: fields)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PeerFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        guard buffer.readableBytes == 0 else {
            throw PeerProtocolError.truncatedFrame(bufferedBytes: buffer.readableBytes)
        }
        return nil
    }

    private func readFields(from payload: inout ByteBuffer, messageType: PeerMessageType) throws(PeerProtocolError) -> [PeerField] {
        var fields: [PeerField] = []
        while payload.readableBytes > 0 {
            guard fields.count < limits.fieldsPerFrameMax else {
                throw .tooManyFields(messageType: messageType, limit: limits.fieldsPerFrameMax)
            }
            guard payload.readableBytes >= PeerField.headerBytes else {
                throw .truncatedFieldHeader(messageType: messageType, remainingBytes: payload.readableBytes)
            }
            let tag: UInt16 = payload.readInteger()!
            let length: UInt32 = payload.readInteger()!
            guard let value = payload.readSlice(length: Int(length)) else {
                throw .fieldOverrunsFrame(messageType: messageType, tag: tag, declaredBytes: length, remainingBytes: payload.readableBytes)
            }
            fields.append(PeerField(tag: tag, value: value))
        }
        return fields
    }
}

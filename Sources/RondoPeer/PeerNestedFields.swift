import NIOCore

/// TLV fields inside one field's value: the same `u16 tag, u32 length, value` layout as a frame
/// payload. Used where a message carries more entries than a frame may have fields (the field
/// limit is 256; a directory may list 1024 members).
enum PeerNestedFields {
    static func encode(_ fields: [PeerField]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for field in fields {
            buffer.writeInteger(field.tag)
            buffer.writeInteger(UInt32(field.value.readableBytes))
            var value = field.value
            buffer.writeBuffer(&value)
        }
        return buffer
    }

    /// Splits `value` (the value of `tag` in a `messageType` frame) into at most `entriesMax`
    /// fields, checking that they exactly fill it.
    static func parse(
        _ value: ByteBuffer, messageType: PeerMessageType, tag: UInt16, entriesMax: Int
    ) throws(PeerProtocolError) -> [PeerField] {
        var rest = value
        var fields: [PeerField] = []
        while rest.readableBytes > 0 {
            guard fields.count < entriesMax else {
                throw .tooManyListEntries(messageType: messageType, tag: tag, limit: entriesMax)
            }
            guard rest.readableBytes >= PeerField.headerBytes else {
                throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "\(rest.readableBytes) bytes left where a nested field header should start")
            }
            let nestedTag: UInt16 = rest.readInteger()!
            let length: UInt32 = rest.readInteger()!
            guard let nested = rest.readSlice(length: Int(length)) else {
                throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "nested field \(nestedTag) declares \(length) bytes but only \(rest.readableBytes) remain")
            }
            fields.append(PeerField(tag: nestedTag, value: nested))
        }
        return fields
    }

    /// A reader over nested fields, so nested values get the same checks as top-level ones.
    static func reader(_ fields: [PeerField], messageType: PeerMessageType) throws(PeerProtocolError) -> PeerFieldReader {
        try PeerFieldReader(PeerFrame(messageType: messageType, fields: fields), expecting: messageType)
    }
}

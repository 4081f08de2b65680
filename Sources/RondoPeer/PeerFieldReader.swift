import NIOCore
import RondoCore

/// Reads the fields of a received frame by tag. Tags the message does not ask for are never
/// looked at, which is how unknown fields are skipped. A tag that is not a list may appear once.
///
/// Lookups scan the frame's fields: a frame has at most `fieldsPerFrameMax` (256) and most have two
/// or three, so a scan is cheaper than building an index for every received frame.
public struct PeerFieldReader {
    public let messageType: PeerMessageType
    private let fields: [PeerField]

    public init(_ frame: PeerFrame, expecting expected: PeerMessageType) throws(PeerProtocolError) {
        guard frame.messageType == expected else { throw .wrongMessageType(expected: expected, got: frame.messageType) }
        self.messageType = expected
        self.fields = frame.fields
    }

    public func optionalBytes(_ tag: UInt16) throws(PeerProtocolError) -> ByteBuffer? {
        var found: ByteBuffer?
        for field in fields where field.tag == tag {
            guard found == nil else { throw .duplicateField(messageType: messageType, tag: tag) }
            found = field.value
        }
        return found
    }

    public func bytes(_ tag: UInt16) throws(PeerProtocolError) -> ByteBuffer {
        guard let value = try optionalBytes(tag) else { throw .missingField(messageType: messageType, tag: tag) }
        return value
    }

    /// A repeated tag, in order of appearance; absent means empty.
    public func list(_ tag: UInt16, entriesMax: Int) throws(PeerProtocolError) -> [ByteBuffer] {
        var values: [ByteBuffer] = []
        for field in fields where field.tag == tag {
            guard values.count < entriesMax else { throw .tooManyListEntries(messageType: messageType, tag: tag, limit: entriesMax) }
            values.append(field.value)
        }
        return values
    }

    public func optionalInteger<Value: FixedWidthInteger>(_ tag: UInt16, as _: Value.Type = Value.self) throws(PeerProtocolError) -> Value? {
        guard let value = try optionalBytes(tag) else { return nil }
        return try integer(from: value, tag: tag)
    }

    public func integer<Value: FixedWidthInteger>(_ tag: UInt16, as _: Value.Type = Value.self) throws(PeerProtocolError) -> Value {
        try integer(from: bytes(tag), tag: tag)
    }

    public func bool(_ tag: UInt16) throws(PeerProtocolError) -> Bool {
        switch try integer(tag, as: UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "boolean must be 0 or 1, got \(other)")
        }
    }

    public func optionalString(_ tag: UInt16, bytesMax: Int) throws(PeerProtocolError) -> String? {
        guard let value = try optionalBytes(tag) else { return nil }
        return try string(from: value, tag: tag, bytesMax: bytesMax)
    }

    public func string(_ tag: UInt16, bytesMax: Int) throws(PeerProtocolError) -> String {
        try string(from: bytes(tag), tag: tag, bytesMax: bytesMax)
    }

    public func optionalSoftwareVersion(_ tag: UInt16) throws(PeerProtocolError) -> SemanticVersion? {
        guard let value = try optionalBytes(tag) else { return nil }
        return try softwareVersion(from: value, tag: tag)
    }

    public func softwareVersion(_ tag: UInt16) throws(PeerProtocolError) -> SemanticVersion {
        try softwareVersion(from: bytes(tag), tag: tag)
    }

    public func protocolVersions(_ tag: UInt16) throws(PeerProtocolError) -> ClosedRange<UInt16> {
        var value = try bytes(tag)
        guard value.readableBytes == 4 else {
            throw .invalidFieldLength(messageType: messageType, tag: tag, expectedBytes: 4, actualBytes: value.readableBytes)
        }
        let lowest: UInt16 = value.readInteger()!
        let highest: UInt16 = value.readInteger()!
        guard lowest <= highest else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "protocol range \(lowest)...\(highest) is empty")
        }
        return lowest...highest
    }

    public func features(_ tag: UInt16) throws(PeerProtocolError) -> Set<FeatureName> {
        var features: Set<FeatureName> = []
        for value in try list(tag, entriesMax: PeerProtocolLimits.featuresPerMessageMax) {
            let text = try string(from: value, tag: tag, bytesMax: FeatureName.bytesMax)
            guard let feature = FeatureName(text) else {
                throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "feature name \(text.debugDescription) is not a token")
            }
            features.insert(feature)
        }
        return features
    }

    public func nodeID(_ tag: UInt16) throws(PeerProtocolError) -> NodeID {
        let text = try string(tag, bytesMax: NodeID.bytesMax)
        guard let id = NodeID(text) else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "node id \(text.debugDescription) is not a token")
        }
        return id
    }

    private func integer<Value: FixedWidthInteger>(from value: ByteBuffer, tag: UInt16) throws(PeerProtocolError) -> Value {
        let width = MemoryLayout<Value>.size
        guard value.readableBytes == width, let result = value.getInteger(at: value.readerIndex, as: Value.self) else {
            throw .invalidFieldLength(messageType: messageType, tag: tag, expectedBytes: width, actualBytes: value.readableBytes)
        }
        return result
    }

    private func string(from value: ByteBuffer, tag: UInt16, bytesMax: Int) throws(PeerProtocolError) -> String {
        guard value.readableBytes <= bytesMax else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "\(value.readableBytes) bytes exceed the limit of \(bytesMax)")
        }
        guard let text = String(validating: value.readableBytesView, as: UTF8.self) else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "not valid UTF-8")
        }
        return text
    }

    private func softwareVersion(from value: ByteBuffer, tag: UInt16) throws(PeerProtocolError) -> SemanticVersion {
        let text = try string(from: value, tag: tag, bytesMax: PeerProtocolLimits.softwareVersionBytesMax)
        guard let version = SemanticVersion(text) else {
            throw .invalidFieldValue(messageType: messageType, tag: tag, reason: "\(text.debugDescription) is not MAJOR.MINOR.PATCH")
        }
        return version
    }
}

import NIOCore

/// What a verifying run writes as a value: the key index and the key's write number, in ASCII at
/// the front (`rv:<key>:<write>;`), padded with a fixed filler to the configured value size. A read
/// then tells exactly which write of which key it returned; anything else is counted as corrupt.
public struct VerifiedValue: Equatable, Sendable {
    public var keyIndex: Int
    /// 1 for the key's first write, then +1 per write the verifier issues for it.
    public var writeNumber: UInt32

    public init(keyIndex: Int, writeNumber: UInt32) {
        self.keyIndex = keyIndex
        self.writeNumber = writeNumber
    }

    /// The longest header (`rv:` + 19 digits + `:` + 10 digits + `;`): a value is never shorter.
    public static let headerBytesMax = 3 + 19 + 1 + 10 + 1
    private static let filler = UInt8(ascii: "x")

    /// The value's bytes: the header, then filler up to `sizeBytes` (the header alone if longer).
    public func bytes(sizeBytes: Int) -> [UInt8] {
        var bytes = Array("rv:\(keyIndex):\(writeNumber);".utf8)
        if bytes.count < sizeBytes {
            bytes.append(contentsOf: repeatElement(Self.filler, count: sizeBytes - bytes.count))
        }
        return bytes
    }

    /// Decodes what `bytes(sizeBytes:)` wrote; nil for anything else (wrong prefix, missing fields,
    /// overflowing numbers, a filler byte that is not the filler).
    public init?(decoding data: ByteBuffer) {
        let view = data.readableBytesView
        var index = view.startIndex
        for expected in "rv:".utf8 {
            guard index < view.endIndex, view[index] == expected else { return nil }
            index += 1
        }
        guard let key = Self.number(in: view, from: &index, terminator: UInt8(ascii: ":"), max: UInt64(Int.max)),
            let write = Self.number(in: view, from: &index, terminator: UInt8(ascii: ";"), max: UInt64(UInt32.max))
        else { return nil }
        guard view[index...].allSatisfy({ $0 == Self.filler }) else { return nil }
        self.init(keyIndex: Int(key), writeNumber: UInt32(write))
    }

    /// Decimal digits up to `terminator` (consumed); nil when empty, too large, or unterminated.
    private static func number(in view: ByteBufferView, from index: inout Int, terminator: UInt8, max: UInt64) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while index < view.endIndex {
            let byte = view[index]
            index += 1
            if byte == terminator {
                return digits > 0 ? value : nil
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 19 else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow, scaled + UInt64(byte - UInt8(ascii: "0")) <= max else { return nil }
            value = scaled + UInt64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return nil
    }
}

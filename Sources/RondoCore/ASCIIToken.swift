/// The one validation rule for short names that travel on the wire and appear in logs and refusal
/// texts (feature names, node ids): printable, unambiguous, and bounded so a peer cannot make us
/// store or print arbitrary bytes.
public enum ASCIIToken {
    /// Letters, digits and `.` `-` `_`: enough for `replication.lz4-batches` or `node-3.rack_a`.
    public static func isValid(_ text: String, bytesMax: Int) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= bytesMax else { return false }
        return bytes.allSatisfy(isTokenByte)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}

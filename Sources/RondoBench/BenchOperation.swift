/// One request the generator will send: what to do and to which key (by index, so a later verifying
/// mode can record acknowledged writes per key without keeping key strings).
public struct BenchOperation: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case get
        case set
    }

    public var kind: Kind
    public var keyIndex: Int

    public init(kind: Kind, keyIndex: Int) {
        self.kind = kind
        self.keyIndex = keyIndex
    }
}

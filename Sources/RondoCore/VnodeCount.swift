/// A number of vnodes: a power of two between 1 and `maximum`, so `hash & (count - 1)` is the vnode.
public struct VnodeCount: Sendable, Hashable, CustomStringConvertible {
    public static let maximum = 1 << 20
    public static let `default` = VnodeCount(unchecked: 1024)

    public let value: Int

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case notPowerOfTwo(Int)
        case outOfRange(Int)

        public var description: String {
            switch self {
            case .notPowerOfTwo(let n): return "vnode count \(n) is not a power of two"
            case .outOfRange(let n): return "vnode count \(n) is outside 1...\(VnodeCount.maximum)"
            }
        }
    }

    public init(_ value: Int) throws(Invalid) {
        guard value >= 1, value <= Self.maximum else { throw .outOfRange(value) }
        guard value & (value - 1) == 0 else { throw .notPowerOfTwo(value) }
        self.value = value
    }

    init(unchecked value: Int) { self.value = value }

    public var description: String { String(value) }
}

/// Caps on vnode transfers, changeable at run time (`ctl setTransferLimits`).
///
/// The global byte rate is split evenly over `inFlightMax` slots: each transfer is started with
/// `bytesPerSecondPerTransfer`, so the sum over all transfers in flight never exceeds
/// `bytesPerSecond` whatever the mix. Transfers already running keep the rate they started with.
public struct TransferLimits: Sendable, Hashable, CustomStringConvertible {
    public static let concurrencyPerNodeMax = 64
    public static let inFlightMaxLimit = 1024

    /// Transfers a node takes part in at once, as source or as target.
    public var concurrencyPerNode: Int
    /// The cluster-wide transfer budget in bytes per second.
    public var bytesPerSecond: UInt64
    /// Transfers in flight in the whole cluster.
    public var inFlightMax: Int

    public static let `default` = TransferLimits(concurrencyPerNode: 2, bytesPerSecond: 64 << 20, inFlightMax: 16)

    public init(concurrencyPerNode: Int, bytesPerSecond: UInt64, inFlightMax: Int) {
        self.concurrencyPerNode = concurrencyPerNode
        self.bytesPerSecond = bytesPerSecond
        self.inFlightMax = inFlightMax
    }

    public var isValid: Bool {
        (1...Self.concurrencyPerNodeMax).contains(concurrencyPerNode) && bytesPerSecond > 0
            && (1...Self.inFlightMaxLimit).contains(inFlightMax)
    }

    public var bytesPerSecondPerTransfer: UInt64 { max(1, bytesPerSecond / UInt64(inFlightMax)) }

    public var description: String {
        "\(concurrencyPerNode) per node, \(inFlightMax) in flight, \(bytesPerSecond) bytes/s"
    }
}

/// A host and port a member advertises. Hosts are bounded like every label on the wire.
public struct NodeAddress: Sendable, Hashable, CustomStringConvertible {
    public static let hostBytesMax = 255

    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

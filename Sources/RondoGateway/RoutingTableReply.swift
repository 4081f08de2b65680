import NIOCore
import RondoProtocol

/// Builds the `rondo_routing` reply (docs/protocol.md) from the node's routing table, for
/// `ClusterRequestRouter.routingTableReply()`:
///
///     ROUTING <epoch> <vnodeCount> <hashName> <replicas>\r\n
///     NODE <memberID> <host>:<clientPort>\r\n        (one per member)
///     VNODE <vnode> <m1>[,<m2>...]\r\n               (one per vnode, primary first)
///     END\r\n
public struct RoutingTableReply: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var memberID: String
        public var host: String
        public var clientPort: Int

        public init(memberID: String, host: String, clientPort: Int) {
            self.memberID = memberID
            self.host = host
            self.clientPort = clientPort
        }
    }

    /// The hash `VnodeHash` implements, as `stats settings` names it.
    public static let hashName = "fnv1a64-fmix64"

    public var epoch: UInt64
    public var replicas: Int
    public var nodes: [Node]
    /// Replica member ids of every vnode, primary first; `vnodes.count` is the vnode count.
    public var vnodes: [[String]]

    public init(epoch: UInt64, replicas: Int, nodes: [Node], vnodes: [[String]]) {
        self.epoch = epoch
        self.replicas = replicas
        self.nodes = nodes
        self.vnodes = vnodes
    }

    public func encode() -> ByteBuffer {
        var out = ByteBuffer()
        out.writeStaticString("ROUTING ")
        out.writeDecimal(epoch)
        out.writeInteger(UInt8(ascii: " "))
        out.writeDecimal(vnodes.count)
        out.writeInteger(UInt8(ascii: " "))
        out.writeString(Self.hashName)
        out.writeInteger(UInt8(ascii: " "))
        out.writeDecimal(replicas)
        out.writeCRLF()
        for node in nodes {
            out.writeStaticString("NODE ")
            out.writeString(node.memberID)
            out.writeInteger(UInt8(ascii: " "))
            out.writeString(node.host)
            out.writeInteger(UInt8(ascii: ":"))
            out.writeDecimal(node.clientPort)
            out.writeCRLF()
        }
        for (vnode, members) in vnodes.enumerated() {
            out.writeStaticString("VNODE ")
            out.writeDecimal(vnode)
            out.writeInteger(UInt8(ascii: " "))
            out.writeString(members.joined(separator: ","))
            out.writeCRLF()
        }
        out.writeLine("END")
        return out
    }
}

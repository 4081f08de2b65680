/// A routing table the coordinator pushes: its epoch, the table as `RoutingTable.encoded()`
/// bytes (decoded, and so validated, by the node that installs it), and the directory of its
/// members.
public struct NodeTableUpdate: Sendable, Hashable {
    public var epoch: UInt64
    public var encodedTable: [UInt8]
    public var directory: [NodeMember]

    public init(epoch: UInt64, encodedTable: [UInt8], directory: [NodeMember]) {
        self.epoch = epoch
        self.encodedTable = encodedTable
        self.directory = directory
    }
}

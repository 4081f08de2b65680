import RondoCore

/// What a node keeps in its `--data-dir` across restarts: which node of which cluster the
/// directory belongs to, and the newest routing-table epoch the node installed. Items are not in
/// it — they live in memory and a restarted node is refilled from its replicas.
///
/// The identity stops an operator from starting one node on another's directory; the epoch lets a
/// coordinator that restarts from an older state (a restored backup) resume above every epoch a
/// node ever saw, even nodes that restarted too (`Coordinator.restarted(epochsReportedByNodes:)`).
///
/// A small text file, readable by an operator:
///
///     rondo-node-state 1
///     node-id n1
///     cluster-name rondo
///     table-epoch 42
///
/// `table-epoch` is absent until the node installed a table. Unknown keys are refused: a newer
/// format changes the first line's version.
public struct PersistedNodeState: Sendable, Equatable {
    public static let header = "rondo-node-state"
    public static let formatVersion = 1
    /// Far above what the four lines need; a bigger file is not ours.
    public static let bytesMax = 4096

    public var nodeID: NodeID
    public var clusterName: String
    public var tableEpoch: UInt64?

    public init(nodeID: NodeID, clusterName: String, tableEpoch: UInt64? = nil) {
        self.nodeID = nodeID
        self.clusterName = clusterName
        self.tableEpoch = tableEpoch
    }

    public func encoded() throws(PersistedNodeStateError) -> [UInt8] {
        guard !clusterName.isEmpty, !clusterName.contains(where: \.isNewline) else { throw .unstorableClusterName(clusterName) }
        var text = "\(Self.header) \(Self.formatVersion)\nnode-id \(nodeID)\ncluster-name \(clusterName)\n"
        if let tableEpoch { text += "table-epoch \(tableEpoch)\n" }
        return Array(text.utf8)
    }

    public init(decoding bytes: [UInt8]) throws(PersistedNodeStateError) {
        guard bytes.count <= Self.bytesMax else { throw .malformed("longer than \(Self.bytesMax) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("not UTF-8") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "" else { throw .malformed("the last line is not complete") }
        lines.removeLast()
        guard let first = lines.first else { throw .malformed("empty") }
        guard first == "\(Self.header) \(Self.formatVersion)" else {
            throw .malformed("the first line is '\(first.prefix(64))', expected '\(Self.header) \(Self.formatVersion)'")
        }
        var fields: [Substring: Substring] = [:]
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " ") else { throw .malformed("line '\(line.prefix(64))' has no value") }
            let key = line[..<space]
            guard ["node-id", "cluster-name", "table-epoch"].contains(key) else { throw .malformed("unknown key '\(key.prefix(64))'") }
            guard fields.updateValue(line[line.index(after: space)...], forKey: key) == nil else { throw .malformed("'\(key)' twice") }
        }
        guard let node = fields["node-id"], let nodeID = NodeID(String(node)) else { throw .malformed("no valid node-id") }
        guard let cluster = fields["cluster-name"], !cluster.isEmpty else { throw .malformed("no cluster-name") }
        var tableEpoch: UInt64?
        if let epoch = fields["table-epoch"] {
            guard let value = UInt64(epoch) else { throw .malformed("table-epoch '\(epoch.prefix(32))' is not a number") }
            tableEpoch = value
        }
        self.init(nodeID: nodeID, clusterName: String(cluster), tableEpoch: tableEpoch)
    }

    /// Throws unless this directory belongs to `nodeID` (when given) of `clusterName`.
    public func check(nodeID expected: NodeID?, clusterName expectedCluster: String) throws(PersistedNodeStateError) {
        guard expected ?? nodeID == nodeID, expectedCluster == clusterName else {
            throw .belongsToAnotherNode(node: nodeID, cluster: clusterName, expectedNode: expected ?? nodeID, expectedCluster: expectedCluster)
        }
    }
}

/// Why a node's data directory state cannot be used.
public enum PersistedNodeStateError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case belongsToAnotherNode(node: NodeID, cluster: String, expectedNode: NodeID, expectedCluster: String)
    case unstorableClusterName(String)

    public var description: String {
        switch self {
        case .malformed(let reason):
            return "the node state file is not one Rondo wrote (\(reason)); move it away to start this node afresh"
        case .belongsToAnotherNode(let node, let cluster, let expectedNode, let expectedCluster):
            return "the data directory belongs to node \(node) of cluster '\(cluster)', not to node \(expectedNode) of cluster "
                + "'\(expectedCluster)': give each node its own --data-dir"
        case .unstorableClusterName(let name):
            return "the cluster name '\(name.prefix(64))' cannot be stored (empty or has a line break)"
        }
    }
}

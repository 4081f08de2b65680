import NIOCore
import RondoCore

/// A cluster's routing table as the `rondo_routing` command returns it (docs/protocol.md):
///
///     ROUTING <epoch> <vnodeCount> <hashName> <replicas>
///     NODE <memberID> <host>:<clientPort>       (one per member)
///     VNODE <vnode> <m1>[,<m2>...]              (one per vnode, primary first)
///     END
///
/// Immutable; `RoutingTableBox` swaps whole snapshots when the table is refetched.
public final class RoutingTableSnapshot: Sendable {
    public struct Node: Sendable, Equatable {
        public var memberID: String
        public var address: ServerAddress
    }

    /// Bounds on what a server may make the generator hold.
    public enum Limits {
        public static let replyBytesMax = 8 << 20
        public static let nodesMax = BenchConfiguration.Limits.serversMax
        public static let vnodeCountMax = 1 << 20
    }

    /// The only hash the generator implements (`VnodeHash`).
    public static let supportedHashName = "fnv1a64-fmix64"

    public let epoch: UInt64
    public let vnodeCount: VnodeCount
    public let replicas: Int
    public let nodes: [Node]
    /// Index into `nodes` of every vnode's primary.
    private let primaryOfVnode: [Int]

    /// Parses a complete reply (through `END\r\n`).
    public init(parsing text: String) throws(RoutingTableError) {
        guard text.utf8.count <= Limits.replyBytesMax else { throw .malformed("reply longer than \(Limits.replyBytesMax) bytes") }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let header = lines.popFirst() else { throw .malformed("empty reply") }
        if header.hasPrefix("SERVER_ERROR") || header == "ERROR" { throw .refused(String(header)) }
        let fields = header.split(separator: " ")
        guard fields.count == 5, fields[0] == "ROUTING", let epoch = UInt64(fields[1]), let count = Int(fields[2]),
            count <= Limits.vnodeCountMax, let vnodeCount = try? VnodeCount(count), let replicas = Int(fields[4]), replicas >= 1
        else { throw .malformed("bad header '\(header)'") }
        guard fields[3] == Self.supportedHashName else { throw .malformed("unknown hash '\(fields[3])'") }
        var nodes: [Node] = []
        var nodeIndex: [Substring: Int] = [:]
        while let line = lines.first, line.hasPrefix("NODE ") {
            lines.removeFirst()
            let parts = line.split(separator: " ")
            guard parts.count == 3, nodes.count < Limits.nodesMax, nodeIndex[parts[1]] == nil else {
                throw .malformed("bad node line '\(line)'")
            }
            let address: ServerAddress
            do {
                address = try ServerAddress(parsing: parts[2])
            } catch {
                throw .malformed("bad node address '\(parts[2])'")
            }
            nodeIndex[parts[1]] = nodes.count
            nodes.append(Node(memberID: String(parts[1]), address: address))
        }
        guard !nodes.isEmpty else { throw .malformed("no NODE lines") }
        var primaries = [Int](repeating: -1, count: count)
        for vnode in 0..<count {
            guard let line = lines.popFirst() else { throw .malformed("missing VNODE \(vnode)") }
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "VNODE", Int(parts[1]) == vnode,
                let primary = parts[2].split(separator: ",").first, let index = nodeIndex[primary]
            else { throw .malformed("bad vnode line '\(line)'") }
            primaries[vnode] = index
        }
        guard lines.popFirst() == "END", lines.allSatisfy(\.isEmpty) else { throw .malformed("missing END") }
        self.epoch = epoch
        self.vnodeCount = vnodeCount
        self.replicas = replicas
        self.nodes = nodes
        self.primaryOfVnode = primaries
    }

    /// Index into `nodes` of the primary of the key's vnode.
    public func primaryIndex(ofKey key: UnsafeRawBufferPointer) -> Int {
        primaryIndex(ofVnode: VnodeHash.vnode(ofHash: VnodeHash.hash(key), vnodeCount: vnodeCount))
    }

    public func primaryIndex(ofVnode vnode: Int) -> Int { primaryOfVnode[vnode] }

    public func nodeIndex(ofMember memberID: String) -> Int? { nodes.firstIndex { $0.memberID == memberID } }
}

/// Why a routing table could not be fetched or parsed.
public enum RoutingTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered an error (`SERVER_ERROR no routing table yet`, or `ERROR` from a
    /// standalone node or memcached).
    case refused(String)
    case malformed(String)
    case unreachable(ServerAddress, reason: String)

    public var description: String {
        switch self {
        case .refused(let line): return "the server has no routing table: \(line)"
        case .malformed(let reason): return "malformed routing table: \(reason)"
        case .unreachable(let server, let reason): return "cannot fetch the routing table from \(server): \(reason)"
        }
    }
}

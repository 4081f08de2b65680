import RondoCore

/// Every step of a rolling upgrade, computed before anything moves (`UpgradePlanner`): the
/// batches in order, what leaves each node and where it goes, bytes to move, the lowest replica
/// count and the capacity check. `description` is what `rondo ctl upgrade plan` prints.
public struct UpgradePlan: Sendable, Hashable, CustomStringConvertible {
    public let request: UpgradeRequest
    public let replicaCount: Int
    /// The versions the members run now, by node.
    public let currentVersions: [NodeID: SemanticVersion]
    public let batches: [UpgradeBatchPlan]

    public var nodeCount: Int { batches.reduce(0) { $0 + $1.nodes.count } }
    public var lowestReplicaCount: Int { batches.map(\.lowestReplicaCount).min() ?? replicaCount }

    /// Bytes copied over the whole upgrade (each release and its return); nil when a size is unknown.
    public var totalBytes: UInt64? {
        var total: UInt64 = 0
        for batch in batches {
            guard let bytes = batch.releaseBytes else { return nil }
            total &+= 2 &* bytes
        }
        return total
    }

    public var unknownSizeCopies: Int { batches.reduce(0) { $0 + 2 * $1.unknownSizeCopies } }

    /// The memory verdict over every batch: false if any node does not fit, nil if any is unknown.
    public var memoryFits: Bool? {
        let verdicts = batches.flatMap(\.memory).map(\.fits)
        if verdicts.contains(false) { return false }
        return verdicts.contains(nil) ? nil : true
    }

    public var description: String {
        var lines = [
            "upgrade to \(request.targetDescription): \(nodeCount) nodes in \(batches.count) batches, strategy \(request.strategy), restart \(request.restartMode)"
                + (request.autoFinalize ? ", auto-finalize" : ""),
            "copies: \(batches.reduce(0) { $0 + 2 * $1.copyCount }) (release and return), bytes: "
                + (totalBytes.map { "\($0)" } ?? "unknown (\(unknownSizeCopies) copies of unknown size)"),
            "lowest replica count: \(lowestReplicaCount) of \(replicaCount)",
            "capacity: every batch leaves at least \(batches.map(\.remainingActiveNodes).min() ?? 0) active nodes for \(replicaCount) replicas; memory "
                + (memoryFits.map { $0 ? "fits" : "DOES NOT FIT" } ?? "unknown (sizes or limits not reported)"),
            "",
            "batch  node                 version   vnodes out  copies  bytes        lowest",
        ]
        for (index, batch) in batches.enumerated() {
            for node in batch.nodes {
                let leaving = batch.departures.filter { $0.from.contains(node) }
                let copies = leaving.reduce(0) { $0 + $1.to.count }
                lines.append(
                    Self.pad("\(index + 1)", 7) + Self.pad(node.rawValue, 21) + Self.pad(currentVersions[node]?.description ?? "?", 10)
                        + Self.pad("\(leaving.count)", 12) + Self.pad("\(copies)", 8)
                        + Self.pad(batch.releaseBytes.map { "\($0)" } ?? "unknown", 13) + "\(batch.lowestReplicaCount)")
            }
        }
        for (index, batch) in batches.enumerated() {
            lines.append("")
            lines.append("batch \(index + 1): release \(batch.nodes.map(\.rawValue).joined(separator: ", ")), restart, return")
            for check in batch.memory { lines.append("  memory \(check)") }
            for departure in batch.departures {
                let size = departure.bytes.map { "\($0) bytes" } ?? "size unknown"
                lines.append(
                    "  vnode \(departure.vnode): \(departure.from.map(\.rawValue).joined(separator: ",")) -> \(departure.to.map(\.rawValue).joined(separator: ",")) (\(size))")
            }
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object([
            ("target", .object([
                ("version", request.targetVersion.map { .string($0.description) } ?? .null),
                ("binaryPath", request.binaryPath.map { .string($0) } ?? .null),
            ])),
            ("strategy", .string(request.strategy.description)),
            ("restartMode", .string(request.restartMode.description)),
            ("autoFinalize", .bool(request.autoFinalize)),
            ("replicaCount", .integer(Int64(replicaCount))),
            ("nodeCount", .integer(Int64(nodeCount))),
            ("lowestReplicaCount", .integer(Int64(lowestReplicaCount))),
            ("totalBytes", totalBytes.map { .unsigned($0) } ?? .null),
            ("unknownSizeCopies", .integer(Int64(unknownSizeCopies))),
            ("memoryFits", memoryFits.map { .bool($0) } ?? .null),
            ("batches", .array(batches.map(\.json))),
        ])
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

import Foundation

extension BenchReport {
    /// The human summary `rondo bench` prints when the run ends.
    public var text: String {
        let s = summary
        let latency = s.latencyMicroseconds
        let mode = setup.rateOpsPerSecond.map { "open loop at \(Self.format($0)) ops/s" } ?? "closed loop"
        var lines = [
            "rondo bench: \(setup.servers.joined(separator: ",")), \(setup.connections) connections × pipeline \(setup.pipeline), \(mode), \(Self.format(s.durationSeconds)) s measured",
            "  ops/s      \(Self.format(s.opsPerSecond))   (gets/s \(Self.format(s.getsPerSecond)), sets/s \(Self.format(s.setsPerSecond)))",
            "  operations \(s.operations)   (gets \(s.gets), sets \(s.sets))",
            "  hit ratio  \(String(format: "%.4f", s.hitRatio))   (hits \(s.hits), misses \(s.misses))",
            "  latency µs p50 \(latency.p50)   p99 \(latency.p99)   p99.9 \(latency.p999)   max \(latency.max)   mean \(String(format: "%.1f", latency.mean))",
            "  errors     \(s.errors.total)\(Self.breakdown(s.errors))   timeouts \(s.timeouts)   reconnects \(s.reconnects)",
        ]
        if setup.verify {
            let v = s.verification
            lines.append("  verify     client errors \(v.clientErrors)   retries \(v.retries)   resets \(s.errors.connectionLost)   timeouts \(s.timeouts)   stale reads \(v.staleReads)   corrupt values \(v.corruptValues)")
        }
        if let readBack {
            lines.append("  read-back  keys written \(readBack.keysWritten)   checked \(readBack.keysChecked)   lost writes \(readBack.lostWrites)   corrupt \(readBack.corruptValues)   unverified \(readBack.keysUnverified)")
        }
        if let prefillProblems, prefillProblems.total > 0 {
            lines.append("  prefill errors \(prefillProblems.total)\(Self.breakdown(prefillProblems))")
        }
        return lines.joined(separator: "\n")
    }

    private static func breakdown(_ errors: ErrorCounts) -> String {
        let parts = BenchErrorKind.allCases.filter { errors[$0] > 0 }.map { "\($0.rawValue) \(errors[$0])" }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    private static func format(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : "%.2f", value)
    }
}

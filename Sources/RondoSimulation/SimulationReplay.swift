/// Replaying one run: `RONDO_SIM_SEED=<seed>` makes the seeded scenarios run that seed alone;
/// `RONDO_SIM_SEEDS=<count>` widens the random-mix scenario to that many seeds.
public enum SimulationReplay {
    public static let seedVariable = "RONDO_SIM_SEED"
    public static let seedCountVariable = "RONDO_SIM_SEEDS"
    public static let seedCountMax = 10_000
    /// Set (to anything): the run prints the coordinator's log lines, prefixed with seed and step.
    public static let logVariable = "RONDO_SIM_LOG"

    /// The seeds to run: the replayed one if set, else `defaults`.
    public static func seeds(default defaults: [UInt64], environment: [String: String]) -> [UInt64] {
        if let text = environment[seedVariable], let seed = UInt64(text) { return [seed] }
        if let text = environment[seedCountVariable], let count = Int(text), count > 0 {
            let first = defaults.first ?? 1
            return (0..<UInt64(min(count, seedCountMax))).map { first + $0 }
        }
        return defaults
    }
}

import ArgumentParser
import RondoCore
import RondoPeer

/// `rondo ctl upgrade ...`: the rolling upgrade, run by the coordinator.
struct CtlUpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Plan, run and steer a rolling upgrade of the cluster.",
        discussion: """
            plan prints every step before anything moves; start runs it (batch by batch: \
            preflight, release, restart, return, health gate); status shows progress; pause, \
            resume, abort (stop after the current step with every node back) and rollback \
            (before finalize: back to the original versions) steer it; finalize raises the \
            cluster's finalized version once every member runs the new one.
            """,
        subcommands: [Plan.self, Start.self, Status.self, Pause.self, Resume.self, Abort.self, Rollback.self, Finalize.self]
    )

    enum Strategy: String, ExpressibleByArgument, CaseIterable {
        case group, atomic
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case inPlace = "in-place"
        case external
    }

    struct Target: ParsableArguments {
        @Option(name: .customLong("to"), help: "The version every node must come back on (MAJOR.MINOR.PATCH).")
        var version: String?

        @Option(name: .customLong("binary"), help: "The binary in-place restarts execute.")
        var binaryPath: String?

        @Option(help: "group: --batch nodes at a time; atomic: half the cluster, then the other half.")
        var strategy: Strategy = .group

        @Option(help: "Nodes per batch (group strategy).")
        var batch: Int = 1

        @Option(help: "in-place: the node re-executes the binary; external: an operator or service manager restarts it.")
        var restart: Mode = .inPlace

        @Option(help: "Seconds a node may take to come back after its restart order.")
        var restartTimeout: Int?

        @Flag(help: "Finalize once every member runs the new version.")
        var autoFinalize = false

        func validate() throws {
            guard version != nil || binaryPath != nil else { throw ValidationError("give --to VERSION and/or --binary PATH") }
            if let version, SemanticVersion(version) == nil { throw ValidationError("--to must be MAJOR.MINOR.PATCH, got \(version)") }
            if let binaryPath, binaryPath.isEmpty || binaryPath.utf8.count > RestartNode.binaryPathBytesMax {
                throw ValidationError("--binary must be a path of 1...\(RestartNode.binaryPathBytesMax) bytes")
            }
            guard (1...Int(UInt16.max)).contains(batch) else { throw ValidationError("--batch must be positive") }
            if let restartTimeout, !(1...86_400).contains(restartTimeout) {
                throw ValidationError("--restart-timeout must be 1...86400 seconds")
            }
        }

        var parameters: CtlUpgradeParameters {
            CtlUpgradeParameters(
                batchSize: strategy == .group ? UInt16(batch) : nil, targetVersion: version.flatMap(SemanticVersion.init),
                binaryPath: binaryPath, restartMode: restart == .inPlace ? .inPlace : .external, autoFinalize: autoFinalize,
                restartTimeoutMilliseconds: restartTimeout.map { UInt64($0) * 1000 })
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every step of an upgrade; nothing moves.")
        @OptionGroup var connection: CtlCLICommand.Connection
        @OptionGroup var target: Target
        func run() async throws { try await connection.run(.upgradePlan(target.parameters)) }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plan and run an upgrade.")
        @OptionGroup var connection: CtlCLICommand.Connection
        @OptionGroup var target: Target
        func run() async throws { try await connection.run(.upgradeStart(target.parameters)) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Progress: nodes done, current batch and step, moved, rate, ETA.",
            discussion: """
                With --watch the status is asked again every SECONDS until the upgrade is no longer \
                running: on a terminal the view is redrawn in place (a live progress bar); otherwise \
                each answer is printed as it comes, one JSON object per line with --json.
                """)
        @OptionGroup var connection: CtlCLICommand.Connection
        @Option(name: .long, help: ArgumentHelp("Repeat every SECONDS (0.1-60) until the upgrade ends.", valueName: "seconds"))
        var watch: Double?

        func validate() throws {
            if let watch, !(0.1...60).contains(watch) { throw ValidationError("--watch must be 0.1...60 seconds") }
        }

        func run() async throws {
            guard let watch else { return try await connection.run(.upgradeStatus) }
            try await UpgradeStatusWatch(connection: connection, interval: watch).run()
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop advancing to the next step.")
        @OptionGroup var connection: CtlCLICommand.Connection
        func run() async throws { try await connection.run(.upgradePause) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Continue a paused upgrade (the current step gets its full time again).")
        @OptionGroup var connection: CtlCLICommand.Connection
        func run() async throws { try await connection.run(.upgradeResume) }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop after the current step, with every node back in the cluster.")
        @OptionGroup var connection: CtlCLICommand.Connection
        func run() async throws { try await connection.run(.upgradeAbort) }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Before finalize: bring upgraded nodes back to their original version.")
        @OptionGroup var connection: CtlCLICommand.Connection
        @Option(name: .customLong("binary"), help: "The old binary in-place restarts execute.") var binaryPath: String?

        func validate() throws {
            if let binaryPath, binaryPath.isEmpty || binaryPath.utf8.count > RestartNode.binaryPathBytesMax {
                throw ValidationError("--binary must be a path of 1...\(RestartNode.binaryPathBytesMax) bytes")
            }
        }

        func run() async throws { try await connection.run(.upgradeRollback(binaryPath: binaryPath)) }
    }

    struct Finalize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise the finalized version: older nodes are refused from then on.")
        @OptionGroup var connection: CtlCLICommand.Connection
        func run() async throws { try await connection.run(.upgradeFinalize) }
    }
}

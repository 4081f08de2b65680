import ArgumentParser
import Logging
import NIOCore
import RondoCoordinatorServer
import RondoCore
import RondoPeer

/// `rondo ctl`: one operator request to the coordinator. Exit codes: 0 done, 1 refused by the
/// coordinator (reason on stderr), 2 connection or usage error.
struct CtlCLICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Ask the coordinator something or change the cluster's membership.",
        discussion: """
            Prints the coordinator's answer (a table for people, or JSON with --json). Exit \
            status: 0 when the request was done, 1 when the coordinator refused it (the reason \
            goes to stderr), 2 when the coordinator cannot be reached or the usage is wrong.
            """,
        subcommands: [
            Status.self, Nodes.self, Ring.self, Join.self, Leave.self, Release.self, TransferLimits.self, CtlUpgradeCommand.self,
        ]
    )

    struct Connection: ParsableArguments {
        @Option(help: "The coordinator's peer address, HOST:PORT.")
        var coordinator = "127.0.0.1:7000"

        @Flag(help: "Print the answer as JSON.")
        var json = false

        @Option(help: "The cluster name the coordinator serves.")
        var clusterName = "rondo"

        @Option(help: "Seconds to wait for the connection and the answer.")
        var timeout = 10

        func validate() throws {
            guard address != nil else { throw ValidationError("--coordinator must be HOST:PORT, got \(coordinator)") }
            guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1...600 seconds") }
        }

        var address: (host: String, port: Int)? {
            guard let colon = coordinator.lastIndex(of: ":"), let port = Int(coordinator[coordinator.index(after: colon)...]),
                (1...65535).contains(port), colon != coordinator.startIndex
            else { return nil }
            return (String(coordinator[..<colon]), port)
        }

        func run(_ command: CtlRequest.Command) async throws {
            let reply: CtlReply
            do {
                reply = try await send(command)
            } catch {
                throw unreachable(error)
            }
            try requireAccepted(reply)
            print(json ? reply.json : reply.text)
        }

        /// One request on a connection of its own; a connection error is thrown as it is.
        func send(_ command: CtlRequest.Command) async throws -> CtlReply {
            var logger = Logger(label: "rondo.ctl")
            logger.logLevel = .critical
            let (host, port) = address!
            return try await CtlClient.request(
                command, host: host, port: port, clusterName: clusterName, timeout: .seconds(Int64(timeout)), logger: logger)
        }

        /// The coordinator could not be asked: the reason on stderr, exit status 2.
        func unreachable(_ error: any Error) -> ExitCode {
            FileHandleOutput.standardError("rondo ctl: \(error)")
            return ExitCode(2)
        }

        /// A refusal: its JSON (with --json) on stdout, the reason on stderr, exit status 1.
        func requireAccepted(_ reply: CtlReply) throws {
            guard reply.ok else {
                if json { print(reply.json) }
                FileHandleOutput.standardError("rondo ctl: \(reply.text)")
                throw ExitCode(1)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cluster summary: epoch, members, transfers, under-replicated vnodes.")
        @OptionGroup var connection: Connection
        func run() async throws { try await connection.run(.status) }
    }

    struct Nodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every known node with its state and addresses.")
        @OptionGroup var connection: Connection
        func run() async throws { try await connection.run(.nodes) }
    }

    struct Ring: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The published routing table.")
        @OptionGroup var connection: Connection
        func run() async throws { try await connection.run(.ring) }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a connected node a member (it is filled by transfers).")
        @OptionGroup var connection: Connection
        @Argument(help: "The node id.") var node: String
        func run() async throws { try await connection.run(.join(try parseNodeID(node))) }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a released or down node.")
        @OptionGroup var connection: Connection
        @Argument(help: "The node id.") var node: String
        func run() async throws { try await connection.run(.leave(try parseNodeID(node))) }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Drain a member: its vnodes move to the others.")
        @OptionGroup var connection: Connection
        @Argument(help: "The node id.") var node: String
        func run() async throws { try await connection.run(.release(try parseNodeID(node))) }
    }

    struct TransferLimits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "transfer-limits", abstract: "Change the transfer limits.")
        @OptionGroup var connection: Connection
        @Option(help: "Transfers a node takes part in at once.") var concurrency: Int
        @Option(help: "Cluster-wide transfer budget in bytes per second.") var bytesPerSecond: UInt64

        func validate() throws {
            guard (1...Int(UInt16.max)).contains(concurrency) else { throw ValidationError("--concurrency must be positive") }
            guard bytesPerSecond > 0 else { throw ValidationError("--bytes-per-second must be positive") }
        }

        func run() async throws {
            try await connection.run(.setTransferLimits(concurrencyPerNode: UInt16(concurrency), bytesPerSecond: bytesPerSecond))
        }
    }
}

private func parseNodeID(_ text: String) throws -> NodeID {
    guard let id = NodeID(text) else { throw ValidationError("\(text.debugDescription) is not a node id (1...64 of A-Z a-z 0-9 . - _)") }
    return id
}

import ArgumentParser
import RondoCore

@main
struct Rondo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rondo: a distributed, memcached-compatible key-value store.",
        version: RondoVersion.current.description,
        subcommands: [NodeCommand.self, CoordinatorCommand.self, CtlCLICommand.self, BenchCommand.self]
    )
}

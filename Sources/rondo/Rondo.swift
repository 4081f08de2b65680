import ArgumentParser
import RondoCore

#if canImport(Glibc)
import Glibc
private func exitProcess(_ code: Int32) -> Never { Glibc.exit(code) }
#elseif canImport(Darwin)
import Darwin
private func exitProcess(_ code: Int32) -> Never { Darwin.exit(code) }
#endif

@main
struct Rondo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rondo: a distributed, memcached-compatible key-value store.",
        version: RondoVersion.current.description,
        subcommands: [NodeCommand.self, CoordinatorCommand.self, CtlCLICommand.self, BenchCommand.self]
    )

    /// ArgumentParser's own main, except that `rondo ctl` reports usage errors with exit status 2
    /// (its documented contract: 0 done, 1 refused, 2 connection or usage error) instead of 64,
    /// and takes its connection options before its subcommand too (`CtlArguments`).
    static func main() async {
        let arguments = CtlArguments.normalized(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if arguments.first == "ctl", exitCode(for: error) == .validationFailure {
                FileHandleOutput.standardError(fullMessage(for: error))
                exitProcess(2)
            }
            exit(withError: error)
        }
    }
}

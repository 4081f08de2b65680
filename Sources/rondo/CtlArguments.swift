/// `rondo ctl` takes its connection options (`--coordinator`, `--json`, `--cluster-name`,
/// `--timeout`) on either side of the subcommand: `rondo ctl --coordinator H:P --json status` (the
/// documented form) as well as `rondo ctl status --coordinator H:P`. ArgumentParser parses a
/// subcommand's options only after its name, so the leading ones are moved to the end before
/// parsing; nothing else changes, and an unknown leading option is left where it was, for
/// ArgumentParser to report.
enum CtlArguments {
    /// Options that take a value.
    static let valued: Set<String> = ["--coordinator", "--cluster-name", "--timeout"]
    static let flags: Set<String> = ["--json"]

    static func normalized(_ arguments: [String]) -> [String] {
        guard arguments.first == "ctl" else { return arguments }
        var leading: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if valued.contains(name), argument.contains("=") {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        return ["ctl"] + arguments[index...] + leading
    }
}

/// How an in-place restart re-executes the node: the binary and its arguments. The arguments are
/// the node's own (same node id, same ports, same options) with `--inherit-listen-fd N` naming
/// the listening socket the new process serves instead of binding. Pure, so it is tested apart
/// from the `exec` that uses it.
public struct RestartPlan: Equatable, Sendable {
    /// The option that hands the listening socket to the new process.
    public static let inheritListenOption = "--inherit-listen-fd"
    /// The running binary when the order names none: on Linux the file this process was started
    /// from, even if its path has been replaced meanwhile.
    public static let ownExecutable = "/proc/self/exe"

    public var executable: String
    /// `argv`, `argv[0]` included.
    public var arguments: [String]
    public var listenDescriptor: CInt

    /// `arguments`: the current process's `argv`. `binaryPath`: the order's binary (nil: this one).
    public init(binaryPath: String?, arguments: [String], listenDescriptor: CInt) {
        executable = binaryPath ?? Self.ownExecutable
        self.listenDescriptor = listenDescriptor
        self.arguments = Self.rewrite(arguments, executable: executable, listenDescriptor: listenDescriptor)
    }

    /// `argv` with any earlier `--inherit-listen-fd` (a node restarted before) replaced by the
    /// new descriptor, placed before a `--` terminator if there is one; `argv[0]` names the
    /// binary that runs.
    static func rewrite(_ arguments: [String], executable: String, listenDescriptor: CInt) -> [String] {
        var kept: [String] = []
        var index = arguments.isEmpty ? 0 : 1
        var terminatorAt: Int?
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                terminatorAt = kept.count
                kept.append(contentsOf: arguments[index...])
                break
            }
            if argument == inheritListenOption {
                index += 2
                continue
            }
            if argument.hasPrefix(inheritListenOption + "=") {
                index += 1
                continue
            }
            kept.append(argument)
            index += 1
        }
        let inherit = [inheritListenOption, String(listenDescriptor)]
        kept.insert(contentsOf: inherit, at: terminatorAt ?? kept.count)
        return [executable] + kept
    }
}

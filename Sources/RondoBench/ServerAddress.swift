/// One memcached-speaking server the generator connects to, parsed from `host:port`.
public struct ServerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; the last colon splits, so `[::1]:11211` and `::1:11211` keep their host.
    public init(parsing text: Substring) throws(BenchConfigurationError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalidServer(String(text), reason: "expected host:port")
        }
        var host = text[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        }
        guard !host.isEmpty else {
            throw .invalidServer(String(text), reason: "the host is empty")
        }
        guard let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            throw .invalidServer(String(text), reason: "the port must be a number in 1...65535")
        }
        self.init(host: String(host), port: port)
    }

    /// Parses a comma-separated list such as `127.0.0.1:11211,127.0.0.1:11212`.
    public static func parseList(_ text: String) throws(BenchConfigurationError) -> [ServerAddress] {
        var servers: [ServerAddress] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            servers.append(try ServerAddress(parsing: item))
        }
        return servers
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

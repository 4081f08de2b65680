/// The one place that names this build's software version (semantic versioning).
/// `RELEASES` at the repository root records the commit of every released version.
public enum RondoVersion {
    public static let current = SemanticVersion(major: 0, minor: 2, patch: 5)

    /// The first release. Kept so that tests (and the simulation) can run nodes of the previous
    /// release next to this one: `BuildInfo.release_0_1_0` is what a 0.1.0 node says in its hello.
    public static let release_0_1_0 = SemanticVersion(major: 0, minor: 1, patch: 0)

    /// The memcached release whose text protocol replies Rondo matches byte for byte (the
    /// differential tests run against it).
    public static let memcachedCompatible = SemanticVersion(major: 1, minor: 6, patch: 18)

    /// What `version` and `stats` report to memcached clients: the memcached version Rondo behaves
    /// as, with Rondo's own version as semver build metadata (`1.6.18+rondo.0.2.0`). Clients parse
    /// the leading numbers to pick features (libmemcached's memccapable expects pre-1.6 errors from
    /// a server that reports an older number), and build metadata keeps them parsing correctly.
    public static var memcachedVersionReply: String { "\(memcachedCompatible)+rondo.\(current)" }
}

public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `MAJOR.MINOR.PATCH`; returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2]),
            major >= 0, minor >= 0, patch >= 0
        else { return nil }
        self.init(major: major, minor: minor, patch: patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

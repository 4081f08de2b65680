import RondoCore
import RondoPeer

/// What the operator asks for with `rondo ctl upgrade plan|start`.
public struct UpgradeRequest: Sendable, Hashable {
    /// The version every node must come back on. When nil, `binaryPath` must be given and a node
    /// counts as upgraded when it comes back on any version other than the one it had.
    public var targetVersion: SemanticVersion?
    /// What in-place restarts execute; nil: each node re-executes its own binary.
    public var binaryPath: String?
    public var strategy: UpgradeStrategy
    public var restartMode: RestartMode
    /// Finalize on its own once every member runs the target version.
    public var autoFinalize: Bool
    public var limits: UpgradeLimits

    public init(
        targetVersion: SemanticVersion?, binaryPath: String? = nil, strategy: UpgradeStrategy,
        restartMode: RestartMode, autoFinalize: Bool = false, limits: UpgradeLimits = .default
    ) {
        self.targetVersion = targetVersion
        self.binaryPath = binaryPath
        self.strategy = strategy
        self.restartMode = restartMode
        self.autoFinalize = autoFinalize
        self.limits = limits
    }

    /// "to 0.2.0", "to /opt/rondo-new", or both.
    public var targetDescription: String {
        switch (targetVersion, binaryPath) {
        case (let version?, let path?): return "\(version) (\(path))"
        case (let version?, nil): return "\(version)"
        case (nil, let path?): return path
        case (nil, nil): return "nothing"
        }
    }
}

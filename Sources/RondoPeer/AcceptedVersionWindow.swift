import RondoCore

/// The software versions a cluster admits: one major version and a closed range of its minor
/// versions, any patch. Named in refusals so the operator reads what would have been accepted.
public struct AcceptedVersionWindow: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minors: ClosedRange<Int>

    public init(major: Int, minors: ClosedRange<Int>) {
        self.major = major
        self.minors = minors
    }

    public func contains(_ version: SemanticVersion) -> Bool {
        version.major == major && minors.contains(version.minor)
    }

    public var description: String {
        minors.lowerBound == minors.upperBound
            ? "\(major).\(minors.lowerBound).x"
            : "\(major).\(minors.lowerBound).x through \(major).\(minors.upperBound).x"
    }
}

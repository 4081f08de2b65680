import RondoCore

/// Skew and finalize rules work on release lines (MAJOR.MINOR): a patch release never changes the
/// protocol versions or features a build offers, so patches of one line are interchangeable.
extension SemanticVersion {
    func isOlderReleaseLine(than other: SemanticVersion) -> Bool {
        (major, minor) < (other.major, other.minor)
    }
}

/// Supplies a connection with its operations, one at a time. `nil` means the source is exhausted
/// (a prefill that has written all its keys); a load source never ends on its own.
///
/// This is the seam for later modes: a verifying source can remember acknowledged writes and end
/// with reads of them; a routing-aware runner can hand each connection the keys its node owns.
public protocol OperationSource {
    mutating func nextOperation() -> BenchOperation?
}

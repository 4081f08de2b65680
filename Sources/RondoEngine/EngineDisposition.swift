/// What the connection does after a request.
public enum EngineDisposition: Sendable, Equatable {
    case `continue`
    /// `quit`: flush what is pending and close.
    case close
}

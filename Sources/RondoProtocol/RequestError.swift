/// A request that could not be decoded but leaves the connection usable; the engine answers with
/// `replyLine` exactly as memcached 1.6.18 does.
public enum RequestError: Error, Sendable, Equatable {
    /// Unknown command, wrong token count, upper-case command, empty line.
    case unknownCommand
    case badCommandLineFormat
    case badDataChunk
    case objectTooLarge
    case invalidExptime
    case invalidDelta
    case deleteUsage
    case badCommandLine
    case illegalSlabID
    // Meta command flag errors.
    case invalidFlag
    case duplicateFlag
    case invalidOrDuplicateFlag
    case errorDecodingKey
    case opaqueTooLong
    case badToken
    case invalidMetaDelta
    case invalidMetaInitial
    case badModeLength
    case invalidSetMode
    case invalidArithmeticMode

    /// The reply line without its CRLF.
    public var replyLine: StaticString {
        switch self {
        case .unknownCommand: return "ERROR"
        case .badCommandLineFormat: return "CLIENT_ERROR bad command line format"
        case .badDataChunk: return "CLIENT_ERROR bad data chunk"
        case .objectTooLarge: return "SERVER_ERROR object too large for cache"
        case .invalidExptime: return "CLIENT_ERROR invalid exptime argument"
        case .invalidDelta: return "CLIENT_ERROR invalid numeric delta argument"
        case .deleteUsage: return "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]"
        case .badCommandLine: return "CLIENT_ERROR bad command line"
        case .illegalSlabID: return "CLIENT_ERROR Illegal slab id"
        case .invalidFlag: return "CLIENT_ERROR invalid flag"
        case .duplicateFlag: return "CLIENT_ERROR duplicate flag"
        case .invalidOrDuplicateFlag: return "CLIENT_ERROR invalid or duplicate flag"
        case .errorDecodingKey: return "CLIENT_ERROR error decoding key"
        case .opaqueTooLong: return "CLIENT_ERROR opaque token too long"
        case .badToken: return "CLIENT_ERROR bad token in command line format"
        case .invalidMetaDelta: return "CLIENT_ERROR invalid numeric delta value"
        case .invalidMetaInitial: return "CLIENT_ERROR invalid numeric initial value"
        case .badModeLength: return "CLIENT_ERROR incorrect length for M token"
        case .invalidSetMode: return "CLIENT_ERROR invalid mode for ms M token"
        case .invalidArithmeticMode: return "CLIENT_ERROR invalid mode for ma M token"
        }
    }
}

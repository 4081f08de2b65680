import NIOCore

/// Parsing of the meta commands `mg ms md ma mn me`, with memcached 1.6.18's flag validation.
extension MemcachedRequestDecoder {
    /// mg and ms report each flag error precisely; md and ma report every flag error as
    /// `CLIENT_ERROR invalid or duplicate flag`.
    enum FlagErrorStyle {
        case precise, combined
    }

    func parseMeta(command: ByteBuffer, tokens: LineTokenizer) -> LineOutcome {
        let first = command.getInteger(at: command.readerIndex, as: UInt8.self)!
        let second = command.getInteger(at: command.readerIndex + 1, as: UInt8.self)!
        guard first == UInt8(ascii: "m") else { return .request(.error(.unknownCommand, noreply: false)) }
        switch second {
        case UInt8(ascii: "g"):
            return .request(metaRequest(tokens, style: .precise).map(MemcachedRequest.metaGet))
        case UInt8(ascii: "s"):
            return parseMetaSet(tokens)
        case UInt8(ascii: "d"):
            return .request(metaRequest(tokens, style: .combined).map(MemcachedRequest.metaDelete))
        case UInt8(ascii: "a"):
            return .request(parseMetaArithmetic(tokens))
        case UInt8(ascii: "n"):
            return .request(.metaNoOp)
        case UInt8(ascii: "e"):
            return .request(parseMetaDebug(tokens))
        default:
            return .request(.error(.unknownCommand, noreply: false))
        }
    }

    /// `<cmd> <key> <flags>*` for mg, md, ma.
    private func metaRequest(_ tokens: LineTokenizer, style: FlagErrorStyle) -> Result<MetaRequest, RequestError> {
        var tokens = tokens
        guard let wireKey = tokens.next() else { return .failure(.unknownCommand) }
        guard isValidKey(wireKey) else { return .failure(.badCommandLineFormat) }
        return Result { () throws(RequestError) in
            try buildMetaRequest(wireKey: wireKey, flagTokens: tokens.remainder, style: style)
        }
    }

    private func buildMetaRequest(wireKey: ByteBuffer, flagTokens: ByteBuffer, style: FlagErrorStyle) throws(RequestError) -> MetaRequest {
        let flags: MetaFlags
        do {
            flags = try Self.parseMetaFlags(flagTokens)
        } catch {
            throw style == .precise ? error : .invalidOrDuplicateFlag
        }
        var key = wireKey
        if flags.contains("b") {
            guard let decoded = Base64Key.decode(wireKey) else {
                throw style == .precise ? .errorDecodingKey : .invalidOrDuplicateFlag
            }
            key = decoded
        }
        return MetaRequest(key: key, wireKey: wireKey, flags: flags, flagTokens: flagTokens)
    }

    /// `ms <key> <datalen> <flags>*`. Once the length is known, memcached swallows the data block
    /// of a request it rejects, so flag errors are reported after the block.
    private func parseMetaSet(_ tokens: LineTokenizer) -> LineOutcome {
        var tokens = tokens
        guard let wireKey = tokens.next() else { return .request(.error(.unknownCommand, noreply: false)) }
        guard let lengthToken = tokens.next(), let length = lengthToken.parseDecimalInt64(),
            length >= 0, length <= Int64(Int32.max - 2), isValidKey(wireKey)
        else { return .request(.error(.badCommandLineFormat, noreply: false)) }
        let dataBytes = Int(length) + 2
        let request: MetaRequest
        do {
            request = try buildMetaRequest(wireKey: wireKey, flagTokens: tokens.remainder, style: .precise)
        } catch {
            return .swallow(bytes: dataBytes, then: .error(error, noreply: false))
        }
        if request.flags.contains("M") && !Self.isValidSetMode(request.flags.mode) {
            return .swallow(bytes: dataBytes, then: .error(.invalidSetMode, noreply: false))
        }
        if length > limits.maxItemBytes {
            return .swallow(bytes: dataBytes, then: .error(.objectTooLarge, noreply: false))
        }
        return .awaitData(.metaSet(request), length: Int(length))
    }

    private static func isValidSetMode(_ mode: UInt8) -> Bool {
        switch mode {
        case UInt8(ascii: "E"), UInt8(ascii: "A"), UInt8(ascii: "P"), UInt8(ascii: "R"), UInt8(ascii: "S"): return true
        default: return false
        }
    }

    private func parseMetaArithmetic(_ tokens: LineTokenizer) -> MemcachedRequest {
        switch metaRequest(tokens, style: .combined) {
        case .failure(let error):
            return .error(error, noreply: false)
        case .success(let request):
            if request.flags.contains("M") {
                switch request.flags.mode {
                case UInt8(ascii: "I"), UInt8(ascii: "+"), UInt8(ascii: "D"), UInt8(ascii: "-"): break
                default: return .error(.invalidArithmeticMode, noreply: false)
                }
            }
            return .metaArithmetic(request)
        }
    }

    /// `me <key> [b]`: memcached ignores every other flag of `me`.
    private func parseMetaDebug(_ tokens: LineTokenizer) -> MemcachedRequest {
        var tokens = tokens
        // Unlike mg/ms/md/ma, memcached answers a bare `me` with a format error, not ERROR.
        guard let wireKey = tokens.next() else { return .error(.badCommandLineFormat, noreply: false) }
        guard isValidKey(wireKey) else { return .error(.badCommandLineFormat, noreply: false) }
        let flagTokens = tokens.remainder
        var key = wireKey
        var flags = MetaFlags()
        var sawBase64Flag = false
        while let token = tokens.next() {
            if token.firstReadableByte == UInt8(ascii: "b") { sawBase64Flag = true }
        }
        if sawBase64Flag {
            guard let decoded = Base64Key.decode(wireKey) else { return .error(.badCommandLineFormat, noreply: false) }
            key = decoded
            _ = flags.insert(UInt8(ascii: "b"))
        }
        return .metaDebug(MetaRequest(key: key, wireKey: wireKey, flags: flags, flagTokens: flagTokens))
    }

    /// memcached's flag pre-parse, shared by all meta commands: which letters are flags, which carry
    /// a value and how that value must look. Each command then uses the flags that concern it.
    static func parseMetaFlags(_ flagTokens: ByteBuffer) throws(RequestError) -> MetaFlags {
        var flags = MetaFlags()
        var tokens = LineTokenizer(flagTokens)
        while let token = tokens.next() {
            let flag = token.firstReadableByte!
            let value = token.getSlice(at: token.readerIndex + 1, length: token.readableBytes - 1)!
            switch flag {
            case UInt8(ascii: "b"), UInt8(ascii: "c"), UInt8(ascii: "f"), UInt8(ascii: "h"), UInt8(ascii: "k"),
                UInt8(ascii: "l"), UInt8(ascii: "q"), UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "u"),
                UInt8(ascii: "v"), UInt8(ascii: "I"), UInt8(ascii: "L"), UInt8(ascii: "P"), UInt8(ascii: "O"),
                UInt8(ascii: "C"), UInt8(ascii: "N"), UInt8(ascii: "R"), UInt8(ascii: "T"), UInt8(ascii: "D"),
                UInt8(ascii: "J"), UInt8(ascii: "F"), UInt8(ascii: "M"):
                guard flags.insert(flag) else { throw .duplicateFlag }
            default:
                throw .invalidFlag
            }
            try parseFlagValue(flag, value: value, token: token, into: &flags)
        }
        return flags
    }

    private static func parseFlagValue(_ flag: UInt8, value: ByteBuffer, token: ByteBuffer, into flags: inout MetaFlags) throws(RequestError) {
        switch flag {
        case UInt8(ascii: "O"):
            // memcached counts the flag letter: the opaque itself is at most 31 bytes.
            guard token.readableBytes <= 32 else { throw .opaqueTooLong }
        case UInt8(ascii: "C"):
            guard let cas = value.parseDecimalUInt64() else { throw .badToken }
            flags.compareCAS = cas
        case UInt8(ascii: "N"):
            flags.vivifyTTL = try parseTTL(value)
        case UInt8(ascii: "R"):
            flags.recacheTTL = try parseTTL(value)
        case UInt8(ascii: "T"):
            flags.ttl = try parseTTL(value)
        case UInt8(ascii: "D"):
            guard let delta = value.parseDecimalUInt64() else { throw .invalidMetaDelta }
            flags.delta = delta
        case UInt8(ascii: "J"):
            guard let initial = value.parseDecimalUInt64() else { throw .invalidMetaInitial }
            flags.initial = initial
        case UInt8(ascii: "F"):
            guard let clientFlags = value.parseDecimalUInt64() else { throw .badCommandLineFormat }
            flags.clientFlags = UInt32(truncatingIfNeeded: clientFlags)
        case UInt8(ascii: "M"):
            guard value.readableBytes == 1 else { throw .badModeLength }
            flags.mode = value.firstReadableByte!
        default:
            break
        }
    }

    /// TTL tokens are 32-bit signed in memcached.
    private static func parseTTL(_ value: ByteBuffer) throws(RequestError) -> Int64 {
        guard let ttl = value.parseDecimalInt64(), ttl >= Int64(Int32.min), ttl <= Int64(Int32.max) else { throw .badToken }
        return ttl
    }
}

extension Result where Failure == RequestError {
    /// Folds a meta parse into a request: the failure becomes a reply-only `.error`.
    func map(_ make: (Success) -> MemcachedRequest) -> MemcachedRequest {
        switch self {
        case .success(let value): return make(value)
        case .failure(let error): return .error(error, noreply: false)
        }
    }
}

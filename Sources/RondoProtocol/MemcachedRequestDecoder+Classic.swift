import NIOCore

/// Parsing of the classic commands, with memcached 1.6.18's token-count and error rules.
extension MemcachedRequestDecoder {
    func parseClassic(command: ByteBuffer, tokens: LineTokenizer) -> LineOutcome {
        // get/gets first and without counting tokens: they are the hot path and may carry many keys.
        if command.readableBytesEqual("get") { return .request(parseRetrieval(.get, tokens: tokens)) }
        if command.readableBytesEqual("gets") { return .request(parseRetrieval(.gets, tokens: tokens)) }
        // Token count including the command, as memcached's dispatch tests it.
        let count = tokens.remainingCount + 1
        if command.readableBytesEqual("set") { return parseStorage(.set, tokens: tokens, count: count) }
        if command.readableBytesEqual("add") { return parseStorage(.add, tokens: tokens, count: count) }
        if command.readableBytesEqual("replace") { return parseStorage(.replace, tokens: tokens, count: count) }
        if command.readableBytesEqual("append") { return parseStorage(.append, tokens: tokens, count: count) }
        if command.readableBytesEqual("prepend") { return parseStorage(.prepend, tokens: tokens, count: count) }
        if command.readableBytesEqual("cas") { return parseStorage(.cas, tokens: tokens, count: count) }
        if command.readableBytesEqual("gat") { return .request(parseRetrieval(.gat, tokens: tokens)) }
        if command.readableBytesEqual("gats") { return .request(parseRetrieval(.gats, tokens: tokens)) }
        return .request(parseOther(command: command, tokens: tokens, count: count))
    }

    private func parseOther(command: ByteBuffer, tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        if command.readableBytesEqual("delete") { return parseDelete(tokens: tokens, count: count) }
        if command.readableBytesEqual("incr") { return parseArithmetic(increment: true, tokens: tokens, count: count) }
        if command.readableBytesEqual("decr") { return parseArithmetic(increment: false, tokens: tokens, count: count) }
        if command.readableBytesEqual("touch") { return parseTouch(tokens: tokens, count: count) }
        if command.readableBytesEqual("flush_all") { return parseFlushAll(tokens: tokens, count: count) }
        if command.readableBytesEqual("version") { return .version }
        if command.readableBytesEqual("verbosity") { return parseVerbosity(tokens: tokens, count: count) }
        if command.readableBytesEqual("stats") { return parseStats(tokens: tokens) }
        if command.readableBytesEqual("quit") { return .quit }
        if command.readableBytesEqual("cache_memlimit") { return parseCacheMemoryLimit(tokens: tokens, count: count) }
        if command.readableBytesEqual("rondo_routing") && count == 1 { return .routingTable }
        return .error(.unknownCommand, noreply: false)
    }

    /// memcached decides `noreply` by the last token alone, before it validates anything else.
    private static func endsInNoreply(_ tokens: LineTokenizer) -> Bool {
        var copy = tokens
        var last: ByteBuffer?
        while let token = copy.next() { last = token }
        return last?.readableBytesEqual("noreply") ?? false
    }

    private func parseRetrieval(_ command: RetrievalRequest.Command, tokens: LineTokenizer) -> MemcachedRequest {
        var tokens = tokens
        var exptime: Int64 = 0
        if command == .gat || command == .gats {
            // `gat <exptime>` without keys is legal and answers END.
            guard let exptimeToken = tokens.next() else { return .error(.unknownCommand, noreply: false) }
            guard let parsed = exptimeToken.parseDecimalInt64() else { return .error(.invalidExptime, noreply: false) }
            exptime = parsed
        }
        let keys = KeyList(line: tokens.remainder)
        // One pass to validate every key: memcached rejects the whole line for one bad key.
        var keyCount = 0
        for key in keys {
            guard isValidKey(key) else { return .error(.badCommandLineFormat, noreply: false) }
            keyCount += 1
        }
        if keyCount == 0 && (command == .get || command == .gets) { return .error(.unknownCommand, noreply: false) }
        return .retrieve(RetrievalRequest(command: command, exptime: exptime, keys: keys))
    }

    private func parseStorage(_ command: StorageRequest.Command, tokens: LineTokenizer, count: Int) -> LineOutcome {
        let required = command == .cas ? 6 : 5
        guard count == required || count == required + 1 else { return .request(.error(.unknownCommand, noreply: false)) }
        let noreply = count == required + 1 && Self.endsInNoreply(tokens)
        var tokens = tokens
        let key = tokens.next()!
        let failure = LineOutcome.request(.error(.badCommandLineFormat, noreply: noreply))
        guard isValidKey(key),
            let flags = Self.parseFlags(tokens.next()!),
            let exptime = tokens.next()!.parseDecimalInt64(),
            let length = tokens.next()!.parseDecimalInt64(), length >= 0, length <= Int64(Int32.max - 2)
        else { return failure }
        var casUnique: UInt64 = 0
        if command == .cas {
            guard let parsed = tokens.next()!.parseDecimalUInt64() else { return failure }
            casUnique = parsed
        }
        let request = StorageRequest(
            command: command, key: key, flags: flags, exptime: exptime, casUnique: casUnique,
            noreply: noreply, value: ByteBuffer())
        if length > limits.maxItemBytes {
            return .swallow(bytes: Int(length) + 2, then: .error(.objectTooLarge, noreply: noreply))
        }
        return .awaitData(.storage(request), length: Int(length))
    }

    /// memcached parses flags as an unsigned long and keeps the low 32 bits; a minus sign fails.
    private static func parseFlags(_ token: ByteBuffer) -> UInt32? {
        token.parseDecimalUInt64().map { UInt32(truncatingIfNeeded: $0) }
    }

    private func parseDelete(tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard (2...4).contains(count) else { return .error(.unknownCommand, noreply: false) }
        var tokens = tokens
        let key = tokens.next()!
        let noreply = count > 2 && Self.endsInNoreply(tokens)
        if count > 2 {
            // Only `delete <key> 0`, `delete <key> noreply` and `delete <key> 0 noreply` are legal.
            let holdIsZero = tokens.next()!.readableBytesEqual("0")
            let valid = (count == 3 && (holdIsZero || noreply)) || (count == 4 && holdIsZero && noreply)
            guard valid else { return .error(.deleteUsage, noreply: false) }
        }
        guard isValidKey(key) else { return .error(.badCommandLineFormat, noreply: noreply) }
        return .delete(key: key, noreply: noreply)
    }

    private func parseArithmetic(increment: Bool, tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard count == 3 || count == 4 else { return .error(.unknownCommand, noreply: false) }
        let noreply = count == 4 && Self.endsInNoreply(tokens)
        var tokens = tokens
        let key = tokens.next()!
        guard isValidKey(key) else { return .error(.badCommandLineFormat, noreply: noreply) }
        guard let delta = tokens.next()!.parseDecimalUInt64() else { return .error(.invalidDelta, noreply: noreply) }
        return .arithmetic(ArithmeticRequest(key: key, delta: delta, increment: increment, noreply: noreply))
    }

    private func parseTouch(tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard count == 3 || count == 4 else { return .error(.unknownCommand, noreply: false) }
        let noreply = count == 4 && Self.endsInNoreply(tokens)
        var tokens = tokens
        let key = tokens.next()!
        guard isValidKey(key) else { return .error(.badCommandLineFormat, noreply: noreply) }
        guard let exptime = tokens.next()!.parseDecimalInt64() else { return .error(.invalidExptime, noreply: noreply) }
        return .touch(key: key, exptime: exptime, noreply: noreply)
    }

    private func parseFlushAll(tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard (1...3).contains(count) else { return .error(.unknownCommand, noreply: false) }
        let noreply = Self.endsInNoreply(tokens)
        guard count > (noreply ? 2 : 1) else { return .flushAll(delay: 0, noreply: noreply) }
        var tokens = tokens
        guard let delay = tokens.next()!.parseDecimalInt64() else { return .error(.invalidExptime, noreply: noreply) }
        return .flushAll(delay: delay, noreply: noreply)
    }

    private func parseVerbosity(tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard count == 2 || count == 3 else { return .error(.unknownCommand, noreply: false) }
        let noreply = Self.endsInNoreply(tokens)
        var tokens = tokens
        guard tokens.next()!.parseDecimalUInt64() != nil else { return .error(.badCommandLineFormat, noreply: noreply) }
        return .verbosity(noreply: noreply)
    }

    private func parseCacheMemoryLimit(tokens: LineTokenizer, count: Int) -> MemcachedRequest {
        guard count == 2 || count == 3 else { return .error(.unknownCommand, noreply: false) }
        let noreply = Self.endsInNoreply(tokens)
        var tokens = tokens
        guard let megabytes = tokens.next()!.parseDecimalUInt64() else { return .error(.unknownCommand, noreply: noreply) }
        return .cacheMemoryLimit(megabytes: megabytes, noreply: noreply)
    }

    /// memcached: fewer than two arguments is "bad command line", non-numbers are "bad command line
    /// format", slab ids from 64 up are illegal; arguments after the second are ignored.
    private func parseCachedump(tokens: LineTokenizer) -> MemcachedRequest {
        var tokens = tokens
        guard let slabClassToken = tokens.next(), let limitToken = tokens.next() else {
            return .error(.badCommandLine, noreply: false)
        }
        guard let slabClass = slabClassToken.parseDecimalUInt64(), let limit = limitToken.parseDecimalUInt64(),
            slabClass <= UInt32.max, limit <= UInt32.max
        else { return .error(.badCommandLineFormat, noreply: false) }
        guard slabClass < 64 else { return .error(.illegalSlabID, noreply: false) }
        return .stats(.cachedump(slabClass: slabClass, limit: limit))
    }

    private func parseStats(tokens: LineTokenizer) -> MemcachedRequest {
        var tokens = tokens
        guard let group = tokens.next() else { return .stats(.general) }
        if group.readableBytesEqual("settings") { return .stats(.settings) }
        if group.readableBytesEqual("items") { return .stats(.items) }
        if group.readableBytesEqual("slabs") { return .stats(.slabs) }
        if group.readableBytesEqual("sizes") { return .stats(.sizes) }
        if group.readableBytesEqual("reset") { return .stats(.reset) }
        if group.readableBytesEqual("cachedump") { return parseCachedump(tokens: tokens) }
        return .error(.unknownCommand, noreply: false)
    }
}

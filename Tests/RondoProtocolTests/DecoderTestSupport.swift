import NIOCore
import XCTest

@testable import RondoProtocol

func bytes(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }

/// Decodes everything complete in `input` at once.
func decodeAll(_ input: String, limits: ProtocolLimits = ProtocolLimits()) throws -> [MemcachedRequest] {
    try decodeAll(bytes(input), limits: limits)
}

func decodeAll(_ input: ByteBuffer, limits: ProtocolLimits = ProtocolLimits()) throws -> [MemcachedRequest] {
    var decoder = MemcachedRequestDecoder(limits: limits)
    var buffer = input
    var requests: [MemcachedRequest] = []
    while let request = try decoder.decode(buffer: &buffer) { requests.append(request) }
    return requests
}

func decodeOne(_ input: String, file: StaticString = #filePath, line: UInt = #line) throws -> MemcachedRequest {
    let requests = try decodeAll(input)
    XCTAssertEqual(requests.count, 1, "decoded \(requests)", file: file, line: line)
    return try XCTUnwrap(requests.first, file: file, line: line)
}

func keys(_ line: String) -> KeyList { KeyList(line: bytes(line)) }

func meta(_ key: String, _ flagTokens: String = "", decodedKey: ByteBuffer? = nil) throws -> MetaRequest {
    let flags = try MemcachedRequestDecoder.parseMetaFlags(bytes(flagTokens))
    return MetaRequest(key: decodedKey ?? bytes(key), wireKey: bytes(key), flags: flags, flagTokens: bytes(flagTokens))
}

func storage(
    _ command: StorageRequest.Command, _ key: String, flags: UInt32 = 0, exptime: Int64 = 0, cas: UInt64 = 0,
    noreply: Bool = false, value: String
) -> MemcachedRequest {
    .store(StorageRequest(command: command, key: bytes(key), flags: flags, exptime: exptime, casUnique: cas, noreply: noreply, value: bytes(value)))
}

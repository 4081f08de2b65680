import Foundation
import RondoFiles
import XCTest

final class AtomicFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "rondo-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testAMissingFileReadsAsNilAndAWriteReplacesTheWholeFileLeavingNoTemporary() throws {
        let file = AtomicFile(directory: directory, fileName: "state", bytesMax: 1024)
        XCTAssertNil(try file.read())
        try file.write(Array("first, longer contents".utf8))
        try file.write(Array("second".utf8))
        XCTAssertEqual(try file.read(), Array("second".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["state"])
    }

    func testAFileOverItsLimitIsRefusedOnReadAndOnWrite() throws {
        let small = AtomicFile(directory: directory, fileName: "state", bytesMax: 8)
        XCTAssertThrowsError(try small.write([UInt8](repeating: 1, count: 9))) { error in
            guard case AtomicFileError.tooLarge = error else { return XCTFail("\(error)") }
        }
        try AtomicFile(directory: directory, fileName: "state", bytesMax: 1 << 20).write([UInt8](repeating: 1, count: 100_000))
        XCTAssertThrowsError(try small.read()) { error in
            guard case AtomicFileError.tooLarge = error else { return XCTFail("\(error)") }
        }
    }

    func testAWriteIntoAMissingDirectoryIsAnIOErrorNamingThePath() {
        let file = AtomicFile(directory: directory + "/missing", fileName: "state", bytesMax: 8)
        XCTAssertThrowsError(try file.write([1])) { error in
            guard case AtomicFileError.io(let path, "create", _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasPrefix(self.directory + "/missing/"))
        }
    }

    func testASecondLockOnTheSameDirectoryIsRefusedUntilTheFirstIsReleased() throws {
        var first: DirectoryLock? = try DirectoryLock(directory: directory)
        XCTAssertNotNil(first)
        XCTAssertThrowsError(try DirectoryLock(directory: directory)) { error in
            guard case DirectoryLockError.held(_, let pid) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(pid, getpid(), "the lock file names its holder")
        }
        first = nil
        XCTAssertNoThrow(try DirectoryLock(directory: directory))
    }
}

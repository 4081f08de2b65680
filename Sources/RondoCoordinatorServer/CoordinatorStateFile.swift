import RondoCoordinator
import RondoFiles

/// `state-dir/coordinator.state`: read at start, replaced atomically on every `.persist`
/// (`AtomicFile`: after a crash the file holds either the old or the new state, never a mix).
/// Blocking POSIX calls: run them on a thread pool, never on an event loop.
public struct CoordinatorStateFile: Sendable {
    public static let fileName = "coordinator.state"
    /// A state of 1024 members and 1M vnodes stays far below this.
    public static let bytesMax = 256 << 20

    private let file: AtomicFile
    public var directory: String { file.directory }
    public var path: String { file.path }

    public init(directory: String) {
        self.file = AtomicFile(directory: directory, fileName: Self.fileName, bytesMax: Self.bytesMax)
    }

    /// The persisted state, or nil when there is no file (a new cluster).
    public func load() throws(CoordinatorStateFileError) -> CoordinatorState? {
        let bytes: [UInt8]?
        do { bytes = try file.read() } catch { throw CoordinatorStateFileError(error) }
        guard let bytes else { return nil }
        do {
            return try CoordinatorState(decoding: bytes)
        } catch {
            throw .corrupt(path: path, error)
        }
    }

    public func write(_ bytes: [UInt8]) throws(CoordinatorStateFileError) {
        do { try file.write(bytes) } catch { throw CoordinatorStateFileError(error) }
    }
}

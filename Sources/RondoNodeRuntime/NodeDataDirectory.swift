#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import RondoCore
import RondoFiles
import RondoNode

/// A node's `--data-dir`: a `lock` file held for the process's life (one node per directory) and
/// `node.state` (`PersistedNodeState`: identity and the newest table epoch installed), replaced
/// atomically. Opening it is blocking (call it before serving); epochs are written on a thread
/// pool, never on an event loop.
public final class NodeDataDirectory: Sendable {
    public static let stateFileName = "node.state"

    public let path: String
    /// What the directory held when this run opened it (nil: a new directory).
    public let previousRun: PersistedNodeState?
    /// The node this directory belongs to (the flag's, or the directory's when no flag named one).
    public let nodeID: NodeID
    private let lock: DirectoryLock
    private let file: AtomicFile
    private let writer: NIOLockedValueBox<Writer>
    private let threadPool: NIOThreadPool

    /// The newest state to write, and whether a write is under way (at most one; the newest wins).
    private struct Writer {
        var state: PersistedNodeState
        var isWriting = false
    }

    /// Creates the directory when missing (its parent must exist), takes its lock, checks that it
    /// belongs to `nodeID` (nil: whichever node it names) of `clusterName`, and records the identity.
    public init(
        path: String, nodeID: NodeID?, clusterName: String, threadPool: NIOThreadPool = .singleton
    ) throws(NodeDataDirectoryError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .file(.io(path: path, operation: "create directory", errno: errno))
        }
        do {
            lock = try DirectoryLock(directory: path)
        } catch {
            throw .lock(error)
        }
        file = AtomicFile(directory: path, fileName: Self.stateFileName, bytesMax: PersistedNodeState.bytesMax)
        let previous = try Self.load(file, nodeID: nodeID, clusterName: clusterName)
        guard let resolved = nodeID ?? previous?.nodeID else { throw .noNodeID(path: path) }
        let state = PersistedNodeState(nodeID: resolved, clusterName: clusterName, tableEpoch: previous?.tableEpoch)
        try Self.write(state, to: file)
        self.path = path
        self.previousRun = previous
        self.nodeID = resolved
        self.threadPool = threadPool
        self.writer = NIOLockedValueBox(Writer(state: state))
    }

    private static func load(
        _ file: AtomicFile, nodeID: NodeID?, clusterName: String
    ) throws(NodeDataDirectoryError) -> PersistedNodeState? {
        let bytes: [UInt8]?
        do { bytes = try file.read() } catch { throw .file(error) }
        guard let bytes else { return nil }
        do {
            let state = try PersistedNodeState(decoding: bytes)
            try state.check(nodeID: nodeID, clusterName: clusterName)
            return state
        } catch {
            throw .state(path: file.path, error)
        }
    }

    private static func write(_ state: PersistedNodeState, to file: AtomicFile) throws(NodeDataDirectoryError) {
        let bytes: [UInt8]
        do { bytes = try state.encoded() } catch { throw .state(path: file.path, error) }
        do { try file.write(bytes) } catch { throw .file(error) }
    }

    /// Records a newly installed table epoch, on the thread pool. A failed write is logged and
    /// the node goes on serving: the file is a hint for a recovering coordinator, not the table.
    public func recordTableEpoch(_ epoch: UInt64, logger: Logger) {
        let start = writer.withLockedValue { writer -> Bool in
            guard writer.state.tableEpoch.map({ epoch > $0 }) ?? true else { return false }
            writer.state.tableEpoch = epoch
            guard !writer.isWriting else { return false }
            writer.isWriting = true
            return true
        }
        if start { writeNewest(logger: logger) }
    }

    private func writeNewest(logger: Logger) {
        threadPool.submit { [self] _ in
            // Until nothing newer came in while writing.
            while true {
                let state = writer.withLockedValue { $0.state }
                do throws(NodeDataDirectoryError) {
                    try Self.write(state, to: file)
                } catch {
                    logger.error("could not record the table epoch in the data directory", metadata: ["path": "\(file.path)", "error": "\(error)"])
                }
                let again = writer.withLockedValue { writer -> Bool in
                    guard writer.state != state else {
                        writer.isWriting = false
                        return false
                    }
                    return true
                }
                if !again { return }
            }
        }
    }
}

/// Why a node's `--data-dir` cannot be used; the node refuses to start with it.
public enum NodeDataDirectoryError: Error, Sendable, CustomStringConvertible {
    case lock(DirectoryLockError)
    case file(AtomicFileError)
    case state(path: String, PersistedNodeStateError)
    case noNodeID(path: String)

    public var description: String {
        switch self {
        case .lock(let error): return "--data-dir: \(error)"
        case .file(let error): return "--data-dir: \(error)"
        case .state(let path, let error): return "--data-dir: \(path): \(error)"
        case .noNodeID(let path): return "--data-dir \(path) names no node yet: give --node-id the first time"
        }
    }
}

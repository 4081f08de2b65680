import NIOCore

/// A store request as a shard executes it: whole-value modes carry the stored form prepared
/// (copied, maybe compressed) before the lock was taken; append and prepend carry the caller's
/// bytes, since their stored form depends on the current value.
enum StoreWrite {
    case set(StoredForm)
    case add(StoredForm)
    case replace(StoredForm)
    case append(ByteBuffer)
    case prepend(ByteBuffer)

    init(mode: StoreMode, key: ByteBuffer, value: ByteBuffer, compressMinBytes: Int?) {
        switch mode {
        case .set: self = .set(StoredForm(key: key, value: value, compressMinBytes: compressMinBytes))
        case .add: self = .add(StoredForm(key: key, value: value, compressMinBytes: compressMinBytes))
        case .replace: self = .replace(StoredForm(key: key, value: value, compressMinBytes: compressMinBytes))
        case .append: self = .append(value)
        case .prepend: self = .prepend(value)
        }
    }

    /// The prepared form of a whole-value write.
    var preparedForm: StoredForm? {
        switch self {
        case .set(let form), .add(let form), .replace(let form): return form
        case .append, .prepend: return nil
        }
    }

    var isAppend: Bool {
        if case .append = self { return true }
        return false
    }
}

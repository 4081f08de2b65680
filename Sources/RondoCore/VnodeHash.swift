/// The key → vnode hash. This is a wire contract between Rondo versions: every node of every
/// version must place a key in the same vnode, so changing anything here breaks rolling upgrades.
/// `docs/protocol.md` documents it and `VnodeHashTests` pins test vectors.
///
/// Definition: `h = fmix64(FNV-1a-64(key bytes))`, `vnode = h & (vnodeCount - 1)`, where `fmix64` is
/// MurmurHash3's 64-bit finalizer. FNV-1a is simple to reimplement in any client; the finalizer
/// spreads FNV's weak low bits so that masking by a power of two is balanced.
public enum VnodeHash {
    /// The 64-bit hash of a key's bytes.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64 offset basis
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3  // FNV-1a 64 prime
        }
        return fmix64(h)
    }

    /// `hash(bytes)` and, from the same pass over the bytes, a second FNV-1a-64 hash that starts
    /// from `seed` instead of the public offset basis (finalized the same way). The second one is
    /// for in-process hash tables: VnodeHash is public and unkeyed, so a client could send keys
    /// whose VnodeHash collide; with a per-process random seed it cannot know which keys collide
    /// in the second one. (Not a cryptographic PRF like SipHash, but it costs no second pass: the
    /// two multiply chains are independent and run side by side.) Only `vnodeHash` is a contract.
    @inlinable
    public static func hashes(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> (vnodeHash: UInt64, seededHash: UInt64) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64 offset basis
        var seeded = seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3  // FNV-1a 64 prime
            seeded ^= UInt64(byte)
            seeded = seeded &* 0x0000_0100_0000_01b3
        }
        return (fmix64(h), fmix64(seeded))
    }

    /// Convenience for tests and tools; the data path hashes buffers in place.
    public static func hash<Bytes: Sequence>(bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return array.withUnsafeBytes { hash($0) }
    }

    /// The vnode a hash falls in. `vnodeCount` must be a power of two (checked by `VnodeCount`).
    @inlinable
    public static func vnode(ofHash hash: UInt64, vnodeCount: VnodeCount) -> Int {
        Int(truncatingIfNeeded: hash & UInt64(vnodeCount.value - 1))
    }

    @inlinable
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }
}

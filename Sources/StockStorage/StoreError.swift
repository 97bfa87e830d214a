/// Why the store could not be opened, read or written.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store was written by a format this build does not read; it is refused rather than misread.
    case incompatibleFormat(found: UInt32, supported: UInt32)
    /// The directory holds an LMDB environment that is not a stockd store.
    case notAStore(String)
    /// A stored row or metadata value does not decode.
    case corruptRow(String)
    /// LMDB reported an error.
    case storage(String)

    public var description: String {
        switch self {
        case .incompatibleFormat(let found, let supported):
            "the store was written in format version \(found); this stockd reads version \(supported) only. "
                + "Rebuild the store (it is a projection of the source: `stockd resync`), or run a matching stockd"
        case .notAStore(let reason): "not a stockd store: \(reason)"
        case .corruptRow(let reason): "corrupt store: \(reason)"
        case .storage(let reason): "storage error: \(reason)"
        }
    }
}

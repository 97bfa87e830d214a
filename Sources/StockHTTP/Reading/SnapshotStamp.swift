import StockProjection
import Synchronization

/// What every answer from one snapshot shares: its entity tag and the text of its checkpoint.
///
/// Computed once per published snapshot rather than once per request (``SnapshotStamps`` caches the latest),
/// since thousands of requests read each snapshot.
struct SnapshotStamp: Sendable {
    /// The snapshot the stamp describes (held so that identity comparison is sound).
    let snapshot: ProjectionSnapshot
    /// Its entity tag.
    let etag: EntityTag
    /// Its checkpoint as an LSN, `nil` for an empty store.
    let lsn: String?
    /// Its checkpoint's commit time as ISO 8601, when known.
    let commitTime: String?

    /// Computes the stamp of a snapshot.
    init(_ snapshot: ProjectionSnapshot) {
        self.snapshot = snapshot
        etag = EntityTag(snapshot: snapshot)
        lsn = snapshot.checkpoint?.description
        commitTime = snapshot.checkpoint?.commitTime.map(ISO8601Timestamp.string(fromMicroseconds:))
    }
}

/// The stamp of the most recently seen snapshot, shared by all requests.
final class SnapshotStamps: Sendable {
    private let latest = Mutex<SnapshotStamp?>(nil)

    /// The stamp of `snapshot`, computed at most once per snapshot in the common case.
    func stamp(for snapshot: ProjectionSnapshot) -> SnapshotStamp {
        if let cached = latest.withLock({ $0 }), cached.snapshot === snapshot { return cached }
        let stamp = SnapshotStamp(snapshot)
        latest.withLock { $0 = stamp }
        return stamp
    }
}

/// The most recent replication and mapping errors, newest first, in a buffer of fixed size.
///
/// An error repeating the newest entry (a reconnect loop failing the same way) bumps that entry's count and
/// time instead of pushing older errors out.
public struct FeedErrorLog: Sendable, Equatable {
    /// What kind of error an entry is.
    public enum Kind: String, Sendable, Equatable {
        /// The replication connection or stream failed (the feed reconnects), or the slot was lost.
        case replication
        /// A replicated row could not be mapped to stockd's model (logged, counted, skipped).
        case mapping
        /// A change that did not fit the projection's state, such as a delete of an unknown row (counted, skipped).
        case anomaly
    }

    /// One error.
    public struct Entry: Sendable, Equatable {
        /// When it last happened, in microseconds since 1970-01-01 UTC.
        public var time: Int64
        /// Its kind.
        public var kind: Kind
        /// What happened.
        public var message: String
        /// How many times in a row it happened.
        public var count: Int
    }

    /// The entries, newest first.
    public private(set) var entries: [Entry] = []
    /// How many entries are kept.
    public let capacity: Int
    /// Errors recorded since start, repeats included.
    public private(set) var total = 0

    /// Creates an empty log keeping `capacity` entries.
    public init(capacity: Int = 20) { self.capacity = max(1, capacity) }

    /// Records an error at `time` (microseconds since 1970).
    public mutating func record(_ kind: Kind, _ message: String, at time: Int64) {
        total += 1
        if var newest = entries.first, newest.kind == kind, newest.message == message {
            newest.count += 1
            newest.time = time
            entries[0] = newest
            return
        }
        entries.insert(Entry(time: time, kind: kind, message: message, count: 1), at: 0)
        if entries.count > capacity { entries.removeLast(entries.count - capacity) }
    }
}

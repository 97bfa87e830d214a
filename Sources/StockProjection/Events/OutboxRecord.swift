/// One record of the outbox: an opaque payload keyed by the commit position of the source transaction that
/// produced it and its index among that transaction's records.
///
/// The key is stable across restarts: a replay of the same transaction on the same state yields the same key.
/// The store orders records by key, which is commit order.
public struct OutboxRecord: Hashable, Sendable {
    /// Where in the outbox the record sits: commit position, then index within the transaction.
    public var key: OutboxKey
    /// When the source committed the transaction, in microseconds since 1970-01-01 UTC (0 if unknown).
    public var commitTime: Int64
    /// The encoded record (JSON for stock events).
    public var payload: [UInt8]

    /// Creates a record.
    public init(key: OutboxKey, commitTime: Int64, payload: [UInt8]) {
        self.key = key
        self.commitTime = commitTime
        self.payload = payload
    }
}

/// The position of an outbox record: the commit LSN of its transaction, then its index in that transaction.
public struct OutboxKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The commit position of the source transaction (the PostgreSQL LSN).
    public var position: UInt64
    /// The record's index among its transaction's records, from 0.
    public var index: UInt32

    /// Creates a key.
    public init(position: UInt64, index: UInt32) {
        self.position = position
        self.index = index
    }

    public static func < (lhs: OutboxKey, rhs: OutboxKey) -> Bool {
        (lhs.position, lhs.index) < (rhs.position, rhs.index)
    }

    /// The key as 12 bytes, big-endian, so that byte order is key order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(12)
        withUnsafeBytes(of: position.bigEndian) { result.append(contentsOf: $0) }
        withUnsafeBytes(of: index.bigEndian) { result.append(contentsOf: $0) }
        return result
    }

    /// Reads a key from its 12 bytes; `nil` for another length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 12 else { return nil }
        var position: UInt64 = 0
        var index: UInt32 = 0
        for (offset, byte) in bytes.enumerated() {
            if offset < 8 { position = position << 8 | UInt64(byte) } else { index = index << 8 | UInt32(byte) }
        }
        self.init(position: position, index: index)
    }

    /// The event id text: `evt_<position as 16 hex digits>_<index>`.
    public var description: String {
        let hex = String(position, radix: 16)
        return "evt_" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + "_" + String(index)
    }

    /// Parses `evt_<hex>_<index>`; `nil` for anything else.
    public init?(eventID: some StringProtocol) {
        guard eventID.hasPrefix("evt_") else { return nil }
        let parts = eventID.dropFirst(4).split(separator: "_")
        guard parts.count == 2, let position = UInt64(parts[0], radix: 16), let index = UInt32(parts[1]) else { return nil }
        self.init(position: position, index: index)
    }
}

/// What observers produced for a group of transactions: outbox records, and changes to the observers' own
/// durable state (such as which low-stock rules are disarmed), all written in the transactions' store commit.
public struct OutboxBatch: Hashable, Sendable {
    /// Outbox records, in key order.
    public var records: [OutboxRecord]
    /// State changes, in order (a later change of a key wins).
    public var state: [ObserverStateChange]

    /// Creates a batch.
    public init(records: [OutboxRecord] = [], state: [ObserverStateChange] = []) {
        self.records = records
        self.state = state
    }

    /// Whether there is nothing to write.
    public var isEmpty: Bool { records.isEmpty && state.isEmpty }

    /// Appends a later batch.
    public mutating func append(_ later: OutboxBatch) {
        records += later.records
        state += later.state
    }
}

/// A change of an observer's durable state: a value under a text key, or its removal (`nil`).
public struct ObserverStateChange: Hashable, Sendable {
    /// The key (observers prefix their keys, e.g. `low/`).
    public var key: String
    /// The new value, or `nil` to remove the key.
    public var value: [UInt8]?

    /// Creates a change.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// A store that cannot hold outbox records was given some.
public struct OutboxUnsupportedError: Error, CustomStringConvertible {
    /// Creates the error.
    public init() {}
    public var description: String { "this store cannot hold outbox records" }
}

extension ProjectionStore {
    /// Persists transactions together with their outbox records, atomically.
    ///
    /// The default implementation accepts no records (it throws ``OutboxUnsupportedError`` when given any);
    /// a store that keeps an outbox implements this itself.
    public func persist(_ transactions: [SourceTransaction], checkpoint: Checkpoint, changes: ChangeLogSlice, outbox: OutboxBatch) throws {
        guard outbox.isEmpty else { throw OutboxUnsupportedError() }
        try persist(transactions, checkpoint: checkpoint, changes: changes)
    }
}

import Foundation
import LMDB
public import StockProjection
import Synchronization

/// The outbox of stock events and the event adapters' state (delivery cursors, dead letters).
///
/// Layout: the `outbox` database is keyed by ``OutboxKey/bytes`` (commit LSN, then index, big-endian) and holds
/// the commit time (8 bytes, big-endian microseconds) followed by the payload; the `event_state` database holds
/// small values under text keys chosen by the adapters. Both are created when missing, so a store written by an
/// older build simply has an empty outbox.
extension LMDBProjectionStore {
    /// Records dropped by retention since the store was opened.
    public var outboxDropped: Int { outboxDroppedCounter.value.load(ordering: .relaxed) }

    func writeOutbox(_ batch: OutboxBatch, into transaction: inout LMDBWriteTransaction) throws {
        for change in batch.state {
            if let value = change.value {
                try transaction.put(value, forKey: Array(change.key.utf8), in: eventState)
            } else {
                _ = try transaction.delete(Array(change.key.utf8), in: eventState)
            }
        }
        guard !batch.records.isEmpty else { return }
        let records = batch.records
        var value: [UInt8] = []
        for record in records {
            value.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: record.commitTime.bigEndian) { value.append(contentsOf: $0) }
            value.append(contentsOf: record.payload)
            try transaction.put(value, forKey: record.key.bytes, in: outbox)
        }
        try applyRetention(into: &transaction, newest: records.last?.commitTime)
    }

    private func applyRetention(into transaction: inout LMDBWriteTransaction, newest: Int64?) throws {
        let count = try transaction.count(in: outbox)
        var excess = count - outboxRetention.maxCount
        let oldestKept: Int64? = outboxRetention.maxAgeSeconds.map {
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            return now - Int64($0) * 1_000_000
        }
        var doomed: [[UInt8]] = []
        try transaction.forEach(in: outbox) { key, value in
            if excess > 0 {
                excess -= 1
                doomed.append(Array(key))
                return .continue
            }
            if let oldestKept, value.count >= 8 {
                let time = value.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
                if time > 0 && time < oldestKept {
                    doomed.append(Array(key))
                    return .continue
                }
            }
            return .stop
        }
        for key in doomed { _ = try transaction.delete(key, in: outbox) }
        if !doomed.isEmpty { outboxDroppedCounter.value.add(doomed.count, ordering: .relaxed) }
    }

    /// Reads outbox records in key order.
    ///
    /// - Parameters:
    ///   - key: Start after this key, or `nil` for the oldest record kept.
    ///   - limit: The most records to return.
    /// - Returns: The records.
    public func outboxRecords(after key: OutboxKey?, limit: Int) throws -> [OutboxRecord] {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                var records: [OutboxRecord] = []
                // The key followed by a zero byte sorts after the key and before every longer one: the first key above it.
                let seek = key.map { $0.bytes + [0] }
                try transaction.forEach(in: outbox, from: seek) { keyBytes, value in
                    guard records.count < limit else { return .stop }
                    guard let recordKey = OutboxKey(bytes: keyBytes), value.count >= 8 else { return .continue }
                    let time = value.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
                    records.append(OutboxRecord(key: recordKey, commitTime: time, payload: Array(value.dropFirst(8))))
                    return .continue
                }
                return records
            }
        }
    }

    /// The number of records in the outbox and the oldest and newest keys.
    public func outboxBounds() throws -> (count: Int, oldest: OutboxKey?, newest: OutboxKey?) {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                let count = try transaction.count(in: outbox)
                let bounds = try transaction.withCursor(in: outbox) { cursor in
                    (try cursor.first().flatMap { OutboxKey(bytes: $0.key) }, try cursor.last().flatMap { OutboxKey(bytes: $0.key) })
                }
                return (count, bounds.0, bounds.1)
            }
        }
    }

    /// Reads an adapter's state value.
    public func eventStateValue(_ key: String) throws -> [UInt8]? {
        try storageErrors { try environment.withReadTransaction { try $0.get(Array(key.utf8), in: eventState) } }
    }

    /// Writes (or deletes, with `nil`) adapters' state values in one transaction.
    public func writeEventState(_ values: [(key: String, value: [UInt8]?)]) throws {
        try storageErrors {
            try environment.withWriteTransaction { transaction in
                for (key, value) in values {
                    if let value {
                        try transaction.put(value, forKey: Array(key.utf8), in: eventState)
                    } else {
                        _ = try transaction.delete(Array(key.utf8), in: eventState)
                    }
                }
            }
        }
    }

    /// The adapters' state values whose keys start with `prefix`, in key order.
    public func eventStateValues(prefix: String, limit: Int = .max) throws -> [(key: String, value: [UInt8])] {
        try storageErrors {
            try environment.withReadTransaction { transaction in
                var result: [(String, [UInt8])] = []
                let start = Array(prefix.utf8)
                try transaction.forEach(in: eventState, from: start.isEmpty ? nil : start) { key, value in
                    guard result.count < limit, key.starts(with: start) else { return .stop }
                    result.append((String(decoding: key, as: UTF8.self), Array(value)))
                    return .continue
                }
                return result
            }
        }
    }
}

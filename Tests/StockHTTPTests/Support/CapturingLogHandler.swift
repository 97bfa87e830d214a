import Logging
import Synchronization

/// One captured log record.
struct LogRecord: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: [String: String]
}

/// Log records captured by ``CapturingLogHandler``.
final class LogRecords: Sendable {
    private let records = Mutex<[LogRecord]>([])
    var all: [LogRecord] { records.withLock { $0 } }
    func append(_ record: LogRecord) { records.withLock { $0.append(record) } }
}

/// A log handler that keeps every record in memory.
struct CapturingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        records.append(LogRecord(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

/// A source row stockd could not turn into a stock change. The row is skipped, logged and counted; the feed goes on.
public struct OdooMappingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The table the row came from.
    public var table: String
    /// What was wrong.
    public var reason: String

    /// Creates an error.
    public init(table: String, reason: String) {
        self.table = table
        self.reason = reason
    }

    public var description: String { "\(table): \(reason)" }
}

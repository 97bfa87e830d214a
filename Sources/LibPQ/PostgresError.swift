/// An error reported by libpq or by the PostgreSQL server.
public struct PostgresError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure it was.
    public enum Kind: String, Hashable, Sendable {
        /// The connection could not be made or was lost.
        case connection
        /// The server answered a command with an error.
        case server
        /// The server's answer was not the one the command expects (e.g. not `COPY BOTH`).
        case unexpectedResult
        /// Sending or receiving COPY data failed.
        case copy
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// libpq's or the server's message, without its trailing newline.
    public var message: String
    /// The SQLSTATE code for server errors (e.g. `42501` insufficient privilege, `42704` undefined object).
    public var sqlState: String?

    /// Creates an error.
    public init(kind: Kind, message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String {
        sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
    }
}

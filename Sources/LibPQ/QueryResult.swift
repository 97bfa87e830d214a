/// The rows of a query, copied out of libpq as text (PostgreSQL's text output format).
public struct QueryResult: Hashable, Sendable {
    /// Column names, in order.
    public var columns: [String]
    /// Rows; `nil` is SQL `NULL`.
    public var rows: [[String?]]
    /// The command tag, e.g. `SELECT 3` or `CREATE PUBLICATION`.
    public var commandTag: String

    /// Creates a result.
    public init(columns: [String], rows: [[String?]], commandTag: String) {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
    }

    /// The value of a column in a row, by column name.
    ///
    /// - Returns: The text value, or `nil` for `NULL` or an unknown column.
    public func value(_ column: String, row: Int = 0) -> String? {
        guard row < rows.count, let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }
}

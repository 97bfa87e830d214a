/// One column value of a source row, as PostgreSQL sends it in text format (pgoutput, or `COPY` text).
public enum SourceCell: Hashable, Sendable {
    /// SQL `NULL`.
    case null
    /// An unchanged TOASTed value that pgoutput did not send with an UPDATE: keep the previous value.
    case unchanged
    /// The value's text.
    case text(String)
}

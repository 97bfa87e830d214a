import OdooIngest
import PostgresReplicationWire

/// A pgoutput message as the feed needs it: rows already split into text cells.
///
/// ``WireFrame`` builds these from the wire decoder's messages; keeping the assembler on this
/// small enum lets it be tested without bytes.
enum ReplicationEvent: Equatable, Sendable {
    /// A transaction starts.
    case begin(finalLSN: LSN, commitTime: Int64, xid: UInt32)
    /// A transaction ends; `endLSN` is where streaming resumes after it.
    case commit(commitLSN: LSN, endLSN: LSN, commitTime: Int64)
    /// The columns of a relation (sent before its first row in each session, and after a schema change).
    case relation(oid: UInt32, namespace: String, name: String, columns: [String])
    /// A row was inserted.
    case insert(oid: UInt32, new: [SourceCell])
    /// A row was updated; `old` is the key or full old row when the replica identity sends one.
    case update(oid: UInt32, old: [SourceCell]?, new: [SourceCell])
    /// A row was deleted; the cells hold the key (other columns `NULL`) or the full old row.
    case delete(oid: UInt32, old: [SourceCell])
    /// Relations were truncated.
    case truncate(oids: [UInt32])
    /// Anything the feed does not act on (origin, type, logical message).
    case ignored
}

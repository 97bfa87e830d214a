import OdooIngest
import PostgresReplicationWire

#if canImport(Glibc)
import Glibc
#endif

/// One CopyData message of the replication stream, reduced to what the feed acts on.
///
/// `PostgresReplicationWire`'s ``ReplicationDecoder`` (the one `Benchmarks/WireBenchmarks` measures) decodes the
/// bytes, checking every length and never trapping; this adapter turns its messages into ``ReplicationEvent``
/// values whose rows are text cells for the Odoo mappers (slices of the decoded tuple's bytes, never a `String`
/// per cell).
enum WireFrame: Equatable {
    /// `k`: the server's WAL end, and whether it wants a status update now.
    case keepalive(walEnd: LSN, replyRequested: Bool)
    /// `w`: one pgoutput message.
    case data(walStart: LSN, walEnd: LSN, event: ReplicationEvent)

    /// Decodes one CopyData message with the connection's decoder.
    ///
    /// - Parameters:
    ///   - bytes: One CopyData payload.
    ///   - decoder: The decoder of this connection (it tracks streamed blocks across messages).
    /// - Throws: `WireDecodingError` for bytes that are not a valid message, or ``WireFrameError`` for a valid
    ///   message stockd never asks for (binary values, streamed transactions).
    static func decode(_ bytes: UnsafeRawBufferPointer, with decoder: inout ReplicationDecoder) throws -> WireFrame {
        switch try decoder.decode(bytes) {
        case .primaryKeepalive(let keepalive):
            return .keepalive(walEnd: keepalive.walEnd, replyRequested: keepalive.replyRequested)
        case .xLogData(let data):
            return .data(walStart: data.walStart, walEnd: data.walEnd, event: try event(data.message))
        }
    }

    static func event(_ message: PgOutputMessage) throws(WireFrameError) -> ReplicationEvent {
        switch message {
        case .begin(let begin):
            return .begin(finalLSN: begin.finalLSN, commitTime: begin.commitTime.unixMicroseconds, xid: begin.transactionID)
        case .commit(let commit):
            return .commit(commitLSN: commit.commitLSN, endLSN: commit.endLSN, commitTime: commit.commitTime.unixMicroseconds)
        case .relation(let relation):
            return .relation(oid: relation.id, namespace: relation.namespace, name: relation.name, columns: relation.columns.map(\.name))
        case .insert(let insert):
            return .insert(oid: insert.relationID, new: try cells(insert.newTuple))
        case .update(let update):
            return .update(
                oid: update.relationID, old: try update.oldTuple.map { (old) throws(WireFrameError) in try cells(old.tuple) },
                new: try cells(update.newTuple))
        case .delete(let delete):
            return .delete(oid: delete.relationID, old: try cells(delete.oldTuple.tuple))
        case .truncate(let truncate):
            return .truncate(oids: truncate.relationIDs)
        case .origin, .type, .message:
            return .ignored
        case .streamStart, .streamStop, .streamCommit, .streamAbort:
            // stockd asks for protocol version 1 without streaming; a streamed transaction here would be applied
            // before its commit, so it is refused rather than ignored.
            throw WireFrameError(reason: "streamed transaction message '\(message.id)', which stockd does not request")
        }
    }

    private static func cells(_ tuple: TupleData) throws(WireFrameError) -> [SourceCell] {
        var cells: [SourceCell] = []
        cells.reserveCapacity(tuple.count)
        for cell in tuple {
            switch cell {
            case .null: cells.append(.null)
            case .unchangedToast: cells.append(.unchanged)
            // A slice of the tuple's storage: no copy, no String (the mappers parse the bytes).
            case .text(let bytes): cells.append(.text(SourceText(bytes)))
            case .binary: throw WireFrameError(reason: "binary column value, which stockd does not request")
            }
        }
        return cells
    }
}

/// A well-formed replication message that stockd cannot use.
struct WireFrameError: Error, Equatable, CustomStringConvertible {
    var reason: String
    var description: String { "unusable replication message: \(reason)" }
}

/// The client's `r` message: what it has written, flushed and applied.
struct StandbyStatus: Equatable {
    var written: LSN
    var flushed: LSN
    var applied: LSN
    var replyRequested = false

    /// The 34-byte message.
    func bytes(nowUnixMicroseconds: Int64 = currentUnixMicroseconds()) -> [UInt8] {
        StandbyStatusUpdate(
            written: written,
            flushed: flushed,
            applied: applied,
            clientTime: PostgresTimestamp(unixMicroseconds: nowUnixMicroseconds),
            replyRequested: replyRequested
        ).bytes
    }
}

/// Microseconds since 1970-01-01 UTC, from the system clock.
func currentUnixMicroseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
}

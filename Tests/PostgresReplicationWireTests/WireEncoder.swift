import PostgresReplicationWire

/// A test-only encoder that writes every message this module decodes, laid out as PostgreSQL sends it
/// (src/backend/replication/logical/proto.c and walsender.c), so that decoding can be checked by round trips.
struct WireEncoder {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func lsn(_ value: LSN) {
        integer(value.rawValue)
    }

    mutating func timestamp(_ value: PostgresTimestamp) {
        integer(value.rawValue)
    }

    /// A NUL-terminated string.
    mutating func string(_ value: String) {
        bytes.append(contentsOf: value.utf8)
        bytes.append(0)
    }

    mutating func tuple(_ tuple: TupleData) {
        integer(UInt16(tuple.count))
        for cell in tuple {
            byte(cell.kind)
            if let value = cell.bytes {
                integer(Int32(value.count))
                bytes.append(contentsOf: value)
            }
        }
    }

    mutating func xid(_ value: UInt32?) {
        if let value { integer(value) }
    }

    mutating func message(_ message: PgOutputMessage) {
        byte(message.id.rawValue)
        switch message {
        case .begin(let begin):
            lsn(begin.finalLSN)
            timestamp(begin.commitTime)
            integer(begin.transactionID)
        case .commit(let commit):
            byte(commit.flags)
            lsn(commit.commitLSN)
            lsn(commit.endLSN)
            timestamp(commit.commitTime)
        case .origin(let origin):
            lsn(origin.commitLSN)
            string(origin.name)
        case .relation(let relation):
            xid(relation.streamedTransactionID)
            integer(relation.id)
            string(relation.namespace)
            string(relation.name)
            byte(relation.replicaIdentity.rawValue)
            integer(UInt16(relation.columns.count))
            for column in relation.columns {
                byte(column.flags)
                string(column.name)
                integer(column.typeOID)
                integer(column.typeModifier)
            }
        case .type(let type):
            xid(type.streamedTransactionID)
            integer(type.id)
            string(type.namespace)
            string(type.name)
        case .insert(let insert):
            xid(insert.streamedTransactionID)
            integer(insert.relationID)
            byte(UInt8(ascii: "N"))
            tuple(insert.newTuple)
        case .update(let update):
            xid(update.streamedTransactionID)
            integer(update.relationID)
            if let old = update.oldTuple {
                byte(old.marker)
                tuple(old.tuple)
            }
            byte(UInt8(ascii: "N"))
            tuple(update.newTuple)
        case .delete(let delete):
            xid(delete.streamedTransactionID)
            integer(delete.relationID)
            byte(delete.oldTuple.marker)
            tuple(delete.oldTuple.tuple)
        case .truncate(let truncate):
            xid(truncate.streamedTransactionID)
            integer(UInt32(truncate.relationIDs.count))
            byte(truncate.options.rawValue)
            for id in truncate.relationIDs { integer(id) }
        case .message(let message):
            xid(message.streamedTransactionID)
            byte(message.flags)
            lsn(message.lsn)
            string(message.prefix)
            integer(Int32(message.content.count))
            bytes.append(contentsOf: message.content)
        case .streamStart(let start):
            integer(start.transactionID)
            byte(start.isFirstSegment ? 1 : 0)
        case .streamStop:
            break
        case .streamCommit(let commit):
            integer(commit.transactionID)
            byte(commit.flags)
            lsn(commit.commitLSN)
            lsn(commit.endLSN)
            timestamp(commit.commitTime)
        case .streamAbort(let abort):
            integer(abort.transactionID)
            integer(abort.subtransactionID)
            if let abortLSN = abort.abortLSN, let abortTime = abort.abortTime {
                lsn(abortLSN)
                timestamp(abortTime)
            }
        }
    }

    mutating func replicationMessage(_ message: ReplicationMessage) {
        byte(message.id.rawValue)
        switch message {
        case .xLogData(let data):
            lsn(data.walStart)
            lsn(data.walEnd)
            timestamp(data.sendTime)
            self.message(data.message)
        case .primaryKeepalive(let keepalive):
            lsn(keepalive.walEnd)
            timestamp(keepalive.sendTime)
            byte(keepalive.replyRequested ? 1 : 0)
        }
    }
}

extension PgOutputMessage {
    /// The message as pgoutput sends it.
    var encoded: [UInt8] {
        var encoder = WireEncoder()
        encoder.message(self)
        return encoder.bytes
    }
}

extension ReplicationMessage {
    /// The CopyData message as the server sends it.
    var encoded: [UInt8] {
        var encoder = WireEncoder()
        encoder.replicationMessage(self)
        return encoder.bytes
    }
}

import OdooIngest
import PostgresReplicationWire
import StockProjection

/// Groups pgoutput events into whole source transactions of stock changes.
///
/// It remembers relations by OID and maps their rows by column name; a row it cannot map is counted and
/// reported (never applied half-understood), and rows of tables stockd does not mirror are ignored.
///
/// A mirrored table whose relation cannot be mapped at all (a required column missing or renamed) is a
/// ``schemaMismatch``: every later row of it would be lost, so the feed must stop there rather than count them
/// and move on.
struct TransactionAssembler {
    struct Problem: Equatable, Sendable {
        var relation: String
        var reason: String
    }

    private var relations: [UInt32: (name: String, mapper: OdooTableMapper?)] = [:]
    private var open: SourceTransaction?
    private(set) var problems: [Problem] = []
    private(set) var ignoredRows = 0
    /// `stock_move` rows outside the open states that the decode-time filter dropped or reduced to a close.
    private(set) var droppedMoveRows = 0
    /// The first mirrored table whose columns cannot be mapped, with the reason (naming the column); once set, the
    /// transaction in hand must not be applied and nothing past it confirmed.
    private(set) var schemaMismatch: Problem?
    /// Whether a transaction has begun and not yet committed.
    var isInsideTransaction: Bool { open != nil }
    /// Moves opened (an `upsertMove` emitted) in the transaction in hand.
    private var movesOpenedInTransaction: Set<MoveID> = []
    /// Moves opened in committed transactions that the projection may not have applied yet (until
    /// ``transactionsApplied()``): the snapshot passed to the filter does not hold them, yet a close must reach them.
    private var movesOpenedUnapplied: Set<MoveID> = []

    /// Whether `oid` is a mirrored `stock_move` relation (whose rows the decode-time filter looks at).
    func isMoveRelation(_ oid: UInt32) -> Bool {
        relations[oid]?.mapper?.moveStateColumn != nil
    }

    /// The decode-time filter: whether a `stock_move` row message, read in place, can be dropped because the move
    /// stays outside the open states.
    ///
    /// An Insert outside the open states is dropped (as ``consume(_:current:)`` does). An Update outside them is
    /// dropped only when the move cannot be in the forecast: `current` does not hold it and no transaction since
    /// (applied or not) opened it; otherwise it goes the ordinary way and closes the move. Nothing is allocated.
    ///
    /// - Parameters:
    ///   - peek: The row message, validated in place.
    ///   - frame: The frame `peek` was taken from.
    ///   - current: The projection's current snapshot; without one no Update is dropped.
    /// - Returns: `true` when the message was dropped (and counted in ``droppedMoveRows``).
    mutating func dropsIrrelevantMove(_ peek: RowPeek, in frame: UnsafeRawBufferPointer, current: ProjectionSnapshot?) -> Bool {
        guard open != nil, let mapper = relations[peek.relationID]?.mapper, let stateColumn = mapper.moveStateColumn,
            peek.newColumnCount == mapper.columnCount, let state = peek.newCell(stateColumn, in: frame)
        else { return false }
        switch state {
        case .null: break
        case .text(let text): if StockMove.State.isOpen(utf8: text) { return false }
        case .unchangedToast, .binary: return false
        }
        if peek.kind == .update {
            guard !peek.hasOldTuple, let current, let idColumn = mapper.idColumn, case .text(let text)? = peek.newCell(idColumn, in: frame),
                let id = CellText.int32(text)
            else { return false }
            let move = MoveID(id)
            guard !current.holdsOpenMove(move), !movesOpenedInTransaction.contains(move), !movesOpenedUnapplied.contains(move) else {
                return false
            }
        }
        droppedMoveRows += 1
        return true
    }

    /// Tells the filter that the projection has applied every transaction this assembler has returned.
    mutating func transactionsApplied() {
        movesOpenedUnapplied.removeAll(keepingCapacity: true)
    }

    /// Consumes one event; returns a finished transaction at its commit.
    mutating func consume(_ event: ReplicationEvent, current: ProjectionSnapshot?) -> SourceTransaction? {
        switch event {
        case .begin(let finalLSN, let commitTime, _):
            open = SourceTransaction(checkpoint: Checkpoint(position: finalLSN.rawValue, commitTime: commitTime), changes: [])
            movesOpenedInTransaction.removeAll(keepingCapacity: true)
        case .commit(_, let endLSN, let commitTime):
            guard var transaction = open else {
                problems.append(Problem(relation: "-", reason: "commit without begin"))
                return nil
            }
            open = nil
            if !movesOpenedInTransaction.isEmpty {
                movesOpenedUnapplied.formUnion(movesOpenedInTransaction)
                movesOpenedInTransaction.removeAll(keepingCapacity: true)
            }
            transaction.checkpoint = Checkpoint(position: endLSN.rawValue, commitTime: commitTime)
            return transaction
        case .relation(let oid, let namespace, let name, let columns):
            var mapper: OdooTableMapper?
            if namespace == "public", let table = OdooTables.sourceTable(name) {
                do {
                    mapper = try OdooTableMapper(table: table, columns: columns)
                } catch {
                    let problem = Problem(relation: name, reason: error.description)
                    problems.append(problem)
                    if schemaMismatch == nil { schemaMismatch = problem }
                }
            }
            relations[oid] = (name, mapper)
        case .insert(let oid, let new):
            // A move inserted outside the open states (Odoo creates moves as drafts) never counts: dropped here.
            if let mapper = relations[oid]?.mapper, mapper.isClosedMove(new) {
                droppedMoveRows += 1
                return nil
            }
            row(oid) { (mapper) throws(OdooMappingError) in try mapper.upsert(new, current: current) }
        case .update(let oid, let old, let new):
            // A link table's row is all key: an UPDATE that changes it (the old key tuple is sent) unlinks the old pair.
            if let old, let table = relations[oid]?.mapper?.table, table == .bomLineValues || table == .variantValues {
                row(oid) { (mapper) throws(OdooMappingError) in try mapper.delete(old) }
            }
            // A move updated outside the open states only closes it (a no-op for a move never held): id only.
            if let mapper = relations[oid]?.mapper, mapper.isClosedMove(new) {
                droppedMoveRows += 1
                row(oid) { (mapper) throws(OdooMappingError) in try mapper.closedMove(new) }
                return nil
            }
            row(oid) { (mapper) throws(OdooMappingError) in try mapper.upsert(new, current: current) }
        case .delete(let oid, let old):
            row(oid) { (mapper) throws(OdooMappingError) in try mapper.delete(old) }
        case .truncate(let oids):
            for oid in oids {
                if let table = relations[oid]?.mapper?.table {
                    open?.changes.append(.truncate(table))
                } else if relations[oid] == nil {
                    problems.append(Problem(relation: "oid \(oid)", reason: "truncate of a relation never described"))
                }
            }
        case .ignored:
            break
        }
        return nil
    }

    private mutating func row(_ oid: UInt32, _ map: (OdooTableMapper) throws(OdooMappingError) -> StockChange) {
        guard let relation = relations[oid] else {
            problems.append(Problem(relation: "oid \(oid)", reason: "row for a relation never described"))
            return
        }
        guard let mapper = relation.mapper else {
            ignoredRows += 1
            return
        }
        guard open != nil else {
            problems.append(Problem(relation: relation.name, reason: "row outside a transaction"))
            return
        }
        do {
            let change = try map(mapper)
            if case .upsertMove(let move) = change { movesOpenedInTransaction.insert(move.id) }
            open!.changes.append(change)
        } catch {
            problems.append(Problem(relation: relation.name, reason: error.reason))
        }
    }

    /// Hands over the problems seen so far and forgets them.
    mutating func takeProblems() -> [Problem] {
        defer { problems.removeAll() }
        return problems
    }
}

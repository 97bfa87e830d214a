public import PostgresReplicationWire
public import StockProjection

/// The live feed's decode path as one value: CopyData messages of a replication connection in; keepalives, WAL
/// positions and whole source transactions of stock changes out.
///
/// It chains ``ReplicationDecoder`` (bytes to pgoutput messages), ``WireFrame`` (messages to text cells) and the
/// transaction assembler (relations by OID, rows mapped by column name, grouped at commit). `ReplicationFeed`
/// owns one per connection; `Benchmarks/WireBenchmarks` measures this same path, so the benchmarked decoder is
/// the one in production.
public struct ReplicationStreamDecoder {
    /// What one message amounts to.
    public enum Output: Equatable, Sendable {
        /// A keepalive: the server's WAL end, and whether it wants a status update now.
        case keepalive(walEnd: LSN, replyRequested: Bool)
        /// A pgoutput message at `walStart`; `transaction` is set when it was a commit.
        case data(walStart: LSN, walEnd: LSN, transaction: SourceTransaction?)
    }

    private var decoder = ReplicationDecoder()
    private(set) var assembler = TransactionAssembler()

    /// Creates the decoder of a new connection.
    public init() {}

    /// Decodes one CopyData message.
    ///
    /// - Parameters:
    ///   - bytes: One CopyData payload, as libpq hands it over.
    ///   - current: The projection's current snapshot, for updates whose unchanged TOAST columns keep a value.
    /// - Returns: What the message amounts to.
    /// - Throws: `WireDecodingError` for bytes that are not a valid message, or a `WireFrameError` for a valid
    ///   message stockd never asks for (binary values, streamed transactions). Rows that cannot be mapped are not
    ///   thrown: they are counted in ``unmappedRows`` (and a mirrored table that cannot be mapped at all stops the
    ///   feed, see `ReplicationFeed`).
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, current: ProjectionSnapshot?) throws -> Output {
        // The decode-time move filter: a stock_move row that stays outside the open states is read in place and
        // dropped before any decoding copies or allocates.
        if let oid = RowPeek.relationID(of: bytes, insideStream: decoder.insideStream), assembler.isMoveRelation(oid),
            let peek = RowPeek.peek(bytes), assembler.dropsIrrelevantMove(peek, in: bytes, current: current)
        {
            return .data(walStart: peek.walStart, walEnd: peek.walEnd, transaction: nil)
        }
        switch try WireFrame.decode(bytes, with: &decoder) {
        case .keepalive(let walEnd, let replyRequested):
            return .keepalive(walEnd: walEnd, replyRequested: replyRequested)
        case .data(let walStart, let walEnd, let event):
            return .data(walStart: walStart, walEnd: walEnd, transaction: assembler.consume(event, current: current))
        }
    }

    /// Rows seen so far that could not be mapped (and not yet taken by the feed).
    public var unmappedRows: Int { assembler.problems.count }

    /// Rows of tables stockd does not mirror, seen so far.
    public var ignoredRows: Int { assembler.ignoredRows }

    /// `stock_move` rows outside the open states dropped, or reduced to a close by id, at decode time so far.
    public var droppedMoveRows: Int { assembler.droppedMoveRows }

    /// Tells the decode-time move filter that the projection has applied every transaction returned so far (so
    /// `current` now holds the moves they opened).
    public mutating func transactionsApplied() { assembler.transactionsApplied() }

    /// Whether a transaction has begun and not yet committed.
    var isInsideTransaction: Bool { assembler.isInsideTransaction }

    /// The first mirrored table whose columns cannot be mapped, if any.
    var schemaMismatch: TransactionAssembler.Problem? { assembler.schemaMismatch }

    /// Hands over the unmapped rows' problems seen so far and forgets them.
    mutating func takeProblems() -> [TransactionAssembler.Problem] { assembler.takeProblems() }
}

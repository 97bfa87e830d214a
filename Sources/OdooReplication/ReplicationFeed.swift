import Foundation
import LibPQ
public import Logging
public import StockProjection
public import StockStorage
import Synchronization

/// Follows Odoo's database: takes the initial snapshot when the store is empty, then streams pgoutput from the
/// store's checkpoint, applies each source transaction atomically (several per LMDB commit under load), and
/// confirms to PostgreSQL only what LMDB has committed.
///
/// libpq blocks, so the feed runs on a thread of its own, never on Swift's cooperative pool. Connection losses
/// are retried with capped exponential backoff and jitter while readers keep the last state.
public final class ReplicationFeed: Sendable {
    private let configuration: FeedConfiguration
    private let projection: StockProjection
    private let storeBox: Mutex<LMDBProjectionStore>
    private let resyncRequested = Atomic<Bool>(false)
    private let logger: Logger
    private let statusBox = Mutex(FeedStatus())
    private let metrics = FeedMetrics()
    private let stopRequested = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    private let finishedCondition = NSCondition()

    /// Creates a feed; call ``start()`` to run it.
    public init(configuration: FeedConfiguration, projection: StockProjection, store: LMDBProjectionStore, logger: Logger) {
        self.configuration = configuration
        self.projection = projection
        self.storeBox = Mutex(store)
        self.logger = logger
        let checkpoint = projection.snapshot().checkpoint
        statusBox.withLock {
            $0.appliedLSN = checkpoint?.position
            $0.appliedCommitTime = checkpoint?.commitTime
        }
    }

    /// The feed's current status.
    public var status: FeedStatus { statusBox.withLock { $0 } }

    /// Starts the feed's thread.
    public func start() {
        let thread = Thread { [self] in
            run()
            finishedCondition.lock()
            finished.withLock { $0 = true }
            finishedCondition.broadcast()
            finishedCondition.unlock()
        }
        thread.name = "stockd-replication"
        thread.start()
    }

    /// Asks the feed to stop after the transaction group in hand is committed and acknowledged, and waits.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        finishedCondition.lock()
        while !finished.withLock({ $0 }) { _ = finishedCondition.wait(until: Date().addingTimeInterval(0.1)) }
        finishedCondition.unlock()
    }

    private var shouldStop: Bool { stopRequested.load(ordering: .acquiring) }

    /// The store the feed writes to (a resync replaces it).
    public var store: LMDBProjectionStore { storeBox.withLock { $0 } }

    /// Asks the running feed to rebuild the store from a fresh snapshot (after the slot was lost, or on demand).
    ///
    /// Readers keep the current projection until the new snapshot is committed; then the feed switches to it.
    public func requestResync() { resyncRequested.store(true, ordering: .releasing) }

    /// Rebuilds the store from a fresh snapshot now, on the calling thread (for `stockd resync` with no server).
    ///
    /// A new slot is created (an old one of the same name is dropped), every table is copied into a new store
    /// beside the current one, and the directories are swapped only once that store is committed.
    ///
    /// - Throws: ``PostgresError`` or a storage error; the current store is then left as it was.
    public func resyncNow() throws {
        update {
            $0.phase = .snapshotting
            $0.lastError = nil
        }
        let current = store
        let path = current.path
        let staging = path + ".resync"
        let retired = path + ".retired"
        let files = FileManager.default
        try? files.removeItem(atPath: staging)
        let outcome: InitialSnapshot.Outcome
        do {
            let next = try LMDBProjectionStore(path: staging, initialMapSize: current.initialMapSize, durability: current.durability)
            outcome = try InitialSnapshot(dsn: configuration.dsn, slot: ReplicationSlot(name: configuration.slot))
                .run(into: next, settings: projection.snapshot().settings, logger: logger)
        }
        try? files.removeItem(atPath: retired)
        try files.moveItem(atPath: path, toPath: retired)
        try files.moveItem(atPath: staging, toPath: path)
        let reopened = try LMDBProjectionStore(path: path, initialMapSize: current.initialMapSize, durability: current.durability)
        storeBox.withLock { $0 = reopened }
        projection.replaceState(outcome.state)
        try? files.removeItem(atPath: retired)
        update {
            $0.appliedLSN = outcome.consistentPoint
            $0.appliedCommitTime = nil
            $0.unexpectedRows += outcome.unmappedRows
        }
        logger.info("resync committed", metadata: ["replication.lsn": "\(Checkpoint(position: outcome.consistentPoint))", "store.path": "\(path)"])
    }

    private func update(_ body: (inout FeedStatus) -> Void) {
        statusBox.withLock { status in
            body(&status)
            let now = currentUnixMicroseconds()
            status.sampleIfDue(now: now)
            metrics.observe(status, now: now)
        }
    }

    private func run() {
        var backoff = configuration.initialBackoffMilliseconds
        while !shouldStop {
            do {
                if resyncRequested.exchange(false, ordering: .acquiringAndReleasing) { try resyncNow() }
                let incomplete = try store.hasIncompleteSnapshot()
                if projection.snapshot().checkpoint == nil || incomplete {
                    try snapshot()
                }
                try stream { backoff = configuration.initialBackoffMilliseconds }
            } catch let error as FeedError where error == .resyncRequested {
                continue
            } catch let failure as StoreWriteFailure {
                // Memory may be ahead of the store: go back to what is durable and stream again from there.
                logger.error("store commit failed; reloading the projection from the store", metadata: ["error": "\(failure)"])
                update {
                    $0.phase = .reconnecting
                    $0.lastError = failure.description
                }
                if let state = try? store.load(settings: projection.snapshot().settings) { projection.replaceState(state) }
                sleep(milliseconds: backoff)
                backoff = min(configuration.maxBackoffMilliseconds, backoff * 2)
            } catch let error as FeedError where error == .slotLost {
                let wasLost = status.phase == .slotLost
                update {
                    $0.phase = .slotLost
                    $0.lastError = "replication slot \(configuration.slot) is missing or invalidated; run `stockd resync`"
                }
                if !wasLost {
                    logger.error(
                        "replication slot lost: serving the last state; run `stockd resync` or send SIGHUP",
                        metadata: ["slot": "\(configuration.slot)"]
                    )
                }
                sleep(milliseconds: 1_000)
                continue
            } catch {
                update {
                    $0.phase = .reconnecting
                    $0.lastError = "\(error)"
                    $0.reconnects += 1
                }
                logger.warning("replication interrupted; reconnecting", metadata: ["error": "\(error)", "backoff_ms": "\(backoff)"])
                sleep(milliseconds: backoff / 2 + Int.random(in: 0...max(1, backoff / 2)))
                backoff = min(configuration.maxBackoffMilliseconds, backoff * 2)
            }
        }
        update { $0.phase = .stopped }
    }

    private func sleep(milliseconds: Int) {
        var remaining = milliseconds
        while remaining > 0 && !shouldStop {
            let step = min(remaining, 50)
            Thread.sleep(forTimeInterval: Double(step) / 1_000)
            remaining -= step
        }
    }

    private func snapshot() throws {
        update { $0.phase = .snapshotting }
        let started = ContinuousClock.now
        let outcome = try InitialSnapshot(dsn: configuration.dsn, slot: ReplicationSlot(name: configuration.slot))
            .run(into: store, settings: projection.snapshot().settings, logger: logger)
        projection.replaceState(outcome.state)
        update {
            $0.appliedLSN = outcome.consistentPoint
            $0.unexpectedRows += outcome.unmappedRows
        }
        logger.info(
            "initial snapshot committed",
            metadata: [
                "replication.lsn": "\(Checkpoint(position: outcome.consistentPoint))",
                "rows": "\(outcome.rows.values.reduce(0, +))", "seconds": "\(ContinuousClock.now - started)",
            ]
        )
    }

    /// One connection's worth of streaming; returns when asked to stop, throws on any failure.
    private func stream(connected: () -> Void) throws {
        // Memory may have run ahead of the store if an earlier session's last commits failed: stream from what
        // is durable, never from what only memory holds.
        let durable = try store.info().checkpoint
        if durable != projection.snapshot().checkpoint {
            logger.notice("reloading the projection from the store's checkpoint", metadata: ["replication.lsn": "\(durable?.description ?? "none")"])
            projection.replaceState(try store.load(settings: projection.snapshot().settings))
        }
        let connection = try PostgresConnection(conninfo: configuration.dsn, replication: true)
        guard let slotStatus = try ReplicationSlot(name: configuration.slot).status(on: PostgresConnection(conninfo: configuration.dsn)),
            slotStatus.walStatus != "lost"
        else { throw FeedError.slotLost }
        let start = projection.snapshot().checkpoint?.position ?? 0
        try connection.startCopyBoth(
            "START_REPLICATION SLOT \(connection.identifier(configuration.slot)) LOGICAL \(Checkpoint(position: start)) "
                + "(proto_version '1', publication_names \(connection.literal(configuration.publication)))"
        )
        update {
            $0.phase = .streaming
            $0.lastError = nil
        }
        connected()
        logger.info("streaming", metadata: ["slot": "\(configuration.slot)", "replication.lsn": "\(Checkpoint(position: start))"])

        var assembler = TransactionAssembler()
        var pending: [SourceTransaction] = []
        var received: UInt64 = start
        var serverEnd: UInt64 = start
        var lastStatus = ContinuousClock.now
        let statusInterval = Duration.milliseconds(configuration.statusIntervalMilliseconds)
        let writer = StoreWriter(store: store, durable: start) { [self] _, checkpoint in
            update {
                $0.commits += 1
                $0.durableLSN = checkpoint.position
            }
        }
        var writerFinished = false
        defer {
            if !writerFinished { try? writer.finish() }
        }

        func sendStatus(askForReply: Bool = false) throws {
            // Only what LMDB has committed is confirmed. When nothing is pending and everything received is
            // durable, confirm the server's WAL end, so an idle publication never makes the slot hold WAL. Asking
            // for a reply when idle makes the server send its WAL end at once instead of at its next keepalive.
            let durable = writer.durable
            var flushed = durable
            let idle = pending.isEmpty && !assembler.isInsideTransaction && received <= durable && writer.isIdle
            if idle { flushed = max(flushed, serverEnd) }
            let status = StandbyStatus(written: max(received, flushed), flushed: flushed, applied: flushed, replyRequested: askForReply && idle)
            try connection.sendCopyData(status.bytes())
            lastStatus = ContinuousClock.now
            update { $0.confirmedLSN = flushed }
        }

        func applyPending() throws {
            guard !pending.isEmpty else { return }
            // Apply in memory now (readers see it at once), and hand the same transactions to the store writer.
            let current = projection.snapshot().checkpoint?.position ?? 0
            let fresh = pending.filter { $0.checkpoint.position > current }
            let report = try projection.apply(fresh)
            let visibleAt = currentUnixMicroseconds()
            do {
                try writer.enqueue(fresh, changeCursor: projection.snapshot().changeCursor)
            } catch {
                throw StoreWriteFailure(underlying: error)
            }
            let problems = assembler.takeProblems()
            for problem in problems {
                logger.warning("unexpected replication row", metadata: ["odoo.relation": "\(problem.relation)", "error": "\(problem.reason)"])
            }
            for anomaly in report.anomalies { logger.info("replication anomaly", metadata: ["error": "\(anomaly)"]) }
            for kit in report.kitProblems {
                logger.warning("invalid kit", metadata: ["kit.variant_id": "\(kit.kitID)", "kit.bom_id": "\(kit.bomID)", "error": "\(kit.problem.map { "\($0)" } ?? "")"])
            }
            metrics.recordKits(invalid: projection.snapshot().invalidKitCount, newlyInvalid: report.kitProblems.count)
            let ignored = assembler.ignoredRows
            update {
                $0.transactions += report.applied
                $0.rowChanges += report.rowChanges
                $0.unexpectedRows += problems.count + report.anomalies.count
                $0.ignoredRows = ignored
                $0.recordProblems(mapping: problems.map { "\($0.relation): \($0.reason)" }, anomalies: report.anomalies.map { "\($0)" }, now: visibleAt)
                for transaction in fresh {
                    if let committed = transaction.checkpoint.commitTime { $0.freshness.record(microseconds: visibleAt - committed) }
                }
                if let checkpoint = report.checkpoint {
                    $0.appliedLSN = checkpoint.position
                    $0.appliedCommitTime = checkpoint.commitTime
                }
            }
            pending.removeAll(keepingCapacity: true)
        }

        func finishWriter() throws {
            writerFinished = true
            do {
                try writer.finish()
            } catch {
                throw StoreWriteFailure(underlying: error)
            }
        }

        while !shouldStop {
            if resyncRequested.load(ordering: .acquiring) {
                try applyPending()
                try finishWriter()
                try sendStatus()
                throw FeedError.resyncRequested
            }
            var frame: WireFrame?
            var decodeError: (any Error)?
            // Block briefly only when nothing is waiting to be committed; otherwise just drain what is buffered.
            let result = try connection.readCopyData(timeoutMilliseconds: pending.isEmpty ? 100 : 0) { bytes in
                do {
                    frame = try WireFrame.decode(bytes)
                } catch {
                    decodeError = error
                }
                update {
                    $0.bytesReceived += bytes.count
                    $0.lastMessageTime = Int64(Date().timeIntervalSince1970 * 1_000_000)
                }
            }
            switch result {
            case .ended:
                try applyPending()
                throw PostgresError(kind: .connection, message: "the server ended the replication stream")
            case .timedOut:
                try applyPending()
            case .message:
                if let decodeError {
                    // A message we cannot read would make every later figure suspect: count it and reconnect,
                    // so the server resends from the last confirmed position.
                    update { $0.unexpectedRows += 1 }
                    try applyPending()
                    throw decodeError
                }
                switch frame {
                case .keepalive(let walEnd, let replyRequested):
                    serverEnd = max(serverEnd, walEnd)
                    update { $0.serverWALEnd = serverEnd }
                    if replyRequested {
                        try applyPending()
                        try sendStatus()
                    }
                case .data(let walStart, let walEnd, let event):
                    serverEnd = max(serverEnd, walEnd)
                    received = max(received, walStart)
                    if let transaction = assembler.consume(event, current: projection.snapshot()) {
                        received = max(received, transaction.checkpoint.position)
                        pending.append(transaction)
                        if pending.count >= configuration.maxGroupSize { try applyPending() }
                    }
                    update { $0.serverWALEnd = serverEnd }
                case nil:
                    break
                }
            }
            if ContinuousClock.now - lastStatus >= statusInterval {
                try applyPending()
                try sendStatus(askForReply: true)
            }
        }
        try applyPending()
        try finishWriter()
        try sendStatus()
    }
}

/// Failures the feed handles specially.
enum FeedError: Error, Equatable {
    /// The slot does not exist or is invalidated.
    case slotLost
    /// An operator asked for a resync.
    case resyncRequested
}

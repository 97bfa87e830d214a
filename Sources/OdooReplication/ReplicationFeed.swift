import Foundation
import LibPQ
public import Logging
import PostgresReplicationWire
public import StockProjection
import Synchronization

/// Follows Odoo's database: takes the initial snapshot when the store is empty, then streams pgoutput from the
/// store's checkpoint, applies each source transaction atomically (several per LMDB commit under load), and
/// confirms to PostgreSQL only what is on disk for certain.
///
/// This class is the driver: its decisions (next step, backoff, stall, what a failure means) come from
/// ``FeedStateMachine``; it performs them. libpq blocks, so the feed runs on a thread of its own, never on
/// Swift's cooperative pool. Readers keep the last state through every failure; the phase and the last error say
/// what is wrong.
public final class ReplicationFeed: Sendable {
    private let configuration: FeedConfiguration
    private let projection: StockProjection
    private let storeBox: Mutex<any ReplicaStore>
    /// Set by ``requestResync()``; the streaming loop polls it to leave the stream promptly.
    private let resyncRequested = Atomic<Bool>(false)
    private let machine: Mutex<FeedStateMachine>
    private let logger: Logger
    private let statusBox = Mutex(FeedStatus())
    private let metrics = FeedMetrics()
    private let stopRequested = Atomic<Bool>(false)
    /// Whether the last connection was given up as stalled: its server process may still hold the slot.
    private let lastConnectionStalled = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    private let finishedCondition = NSCondition()
    /// Called after each store commit with the outbox records it committed (the live event stream).
    private let eventsCommitted: (@Sendable ([OutboxRecord]) -> Void)?

    /// Creates a feed; call ``start()`` to run it.
    ///
    /// Create it after `MetricsSystem.bootstrap`, or its instruments go to the no-op backend.
    ///
    /// - Parameter eventsCommitted: Called on the store writer's thread right after each LMDB commit that wrote
    ///   outbox records, with those records in commit order (never before they are durable in the store, so a
    ///   reader of the outbox that subscribed first misses none). It must not block.
    public init(
        configuration: FeedConfiguration, projection: StockProjection, store: any ReplicaStore, logger: Logger,
        eventsCommitted: (@Sendable ([OutboxRecord]) -> Void)? = nil
    ) {
        self.eventsCommitted = eventsCommitted
        self.configuration = configuration
        self.projection = projection
        self.storeBox = Mutex(store)
        self.logger = logger
        let checkpoint = projection.snapshot().checkpoint
        machine = Mutex(FeedStateMachine(policy: configuration.policy, hasFigures: checkpoint != nil))
        statusBox.withLock {
            $0.appliedLSN = checkpoint?.position
            $0.appliedCommitTime = checkpoint?.commitTime
        }
    }

    /// The feed's current status.
    public var status: FeedStatus { statusBox.withLock { $0 } }

    /// The feed's current status without its sample buffers (``FeedStatus/withoutSampleBuffers``), for what
    /// every request reads: the buffers are dropped inside the lock, so the feed never has to copy them.
    public var summary: FeedStatus { statusBox.withLock { $0.withoutSampleBuffers } }

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
        machine.withLock { $0.requestStop() }
        finishedCondition.lock()
        while !finished.withLock({ $0 }) { _ = finishedCondition.wait(until: Date().addingTimeInterval(0.1)) }
        finishedCondition.unlock()
    }

    private var shouldStop: Bool { stopRequested.load(ordering: .acquiring) }

    /// The store the feed writes to (a resync replaces it).
    public var store: any ReplicaStore { storeBox.withLock { $0 } }

    /// Asks the running feed to rebuild the store from a fresh snapshot (after the slot was lost, or on demand).
    ///
    /// Readers keep the current projection until the new snapshot is committed; then the feed switches to it. The
    /// request stays pending until a resync has been swapped in: a failed attempt is retried with backoff.
    public func requestResync() {
        machine.withLock { $0.requestResync() }
        resyncRequested.store(true, ordering: .releasing)
    }

    /// Rebuilds the store from a fresh snapshot now, on the calling thread (for `stockd resync` with no server).
    ///
    /// A new slot is created (an old one of the same name is dropped), every table is copied into a new store
    /// beside the current one, and the directories are swapped only once that store is committed. If the copy
    /// fails, the serving store is left as it was; since its slot may already be the new one, streaming from it
    /// would skip changes, which the check at every connect (slot ahead of store) refuses.
    ///
    /// - Throws: ``PostgresError`` or a storage error; the current store is then left as it was.
    public func resyncNow() throws {
        update { $0.resyncAttempts += 1 }
        let current = store
        let outcome: InitialSnapshot.Outcome
        do {
            let next = try current.openStaging()
            var job = InitialSnapshot(dsn: configuration.connectionString, slot: ReplicationSlot(name: configuration.slot))
            job.changeEpoch = ChangeCursor.epoch(after: projection.snapshot().changeEpoch, tag: ChangeCursor.tag(forSlot: configuration.slot))
            outcome = try job.run(into: next, settings: projection.snapshot().settings, logger: logger)
            if !next.syncsEveryCommit { try next.sync() }
        } catch {
            update { $0.resyncFailures += 1 }
            throw error
        }
        let promoted = try current.promoteStaging()
        storeBox.withLock { $0 = promoted }
        projection.replaceState(outcome.state)
        update {
            $0.appliedLSN = outcome.consistentPoint.rawValue
            $0.appliedCommitTime = nil
            $0.unexpectedRows += outcome.unmappedRows
            $0.lastError = nil
        }
        logger.info("resync committed", metadata: ["replication.lsn": "\(outcome.consistentPoint)", "store.path": "\(promoted.location)"])
    }

    private func update(_ body: (inout FeedStatus) -> Void) {
        statusBox.withLock { status in
            body(&status)
            let now = currentUnixMicroseconds()
            status.sampleIfDue(now: now)
            metrics.observe(status, now: now)
        }
    }

    // MARK: - The driver

    private func run() {
        openSession()
        defer { closeSession() }
        while true {
            if resyncRequested.exchange(false, ordering: .acquiringAndReleasing) { machine.withLock { $0.requestResync() } }
            let complete: Bool
            do {
                complete = try projection.snapshot().checkpoint != nil && !store.hasIncompleteSnapshot()
            } catch {
                perform(machine.withLock { $0.failed(.storeWrite("cannot read the store: \(error)")) }, failure: "\(error)")
                continue
            }
            let step = machine.withLock { $0.nextStep(storeIsComplete: complete) }
            publishPhase()
            switch step {
            case .stop:
                update { $0.phase = .stopped }
                return
            case .wait:
                perform(step, failure: nil)
            case .snapshot:
                do {
                    try snapshot()
                    machine.withLock { $0.snapshotSucceeded() }
                } catch {
                    handle(.snapshotFailed("initial snapshot failed: \(error)"))
                }
            case .resync:
                do {
                    logger.notice("resync started: copying a fresh snapshot beside the serving store; the old figures keep serving")
                    try resyncNow()
                    machine.withLock { $0.resyncSucceeded() }
                } catch {
                    handle(.resyncFailed("resync failed (will retry; the old figures keep serving): \(error)"))
                }
            case .stream:
                do {
                    try stream()
                } catch let error as FeedError {
                    switch error {
                    case .resyncRequested: continue
                    case .slotLost: handle(.slotLost("replication slot \(configuration.slot) is missing or invalidated; resync needed"))
                    case .storeBehindSlot(let slot, let stored):
                        update { $0.gapsDetected += 1 }
                        handle(
                            .storeBehindSlot(
                                "the store (up to \(stored)) is behind the slot's confirmed position "
                                    + "\(slot): it lost commits, streaming would skip them; resyncing"
                            )
                        )
                    case .schemaMismatch(let problem):
                        handle(
                            .schemaMismatch(
                                "cannot map \(problem.relation): \(problem.reason); stopped before this transaction, nothing past it is "
                                    + "confirmed; fix the table, then resync"
                            )
                        )
                    case .stalled(let milliseconds):
                        lastConnectionStalled.store(true, ordering: .releasing)
                        update { $0.stalls += 1 }
                        handle(.connection("no message from the server for \(milliseconds) ms: stalled connection dropped"))
                    }
                } catch let failure as StoreWriteFailure {
                    // Memory may be ahead of the store: go back to what is durable and stream again from there.
                    if let state = try? store.load(settings: projection.snapshot().settings) {
                        projection.replaceState(state)
                        try? startNewChangeEpoch(reason: "a store commit failed")
                    }
                    handle(.storeWrite(failure.description))
                } catch {
                    handle(.connection("replication interrupted: \(error)"))
                }
            }
        }
    }

    /// Marks the store as in use; after an unclean end of the previous session, starts a new change-log epoch.
    private func openSession() {
        do {
            let clean = try store.openSession()
            if !clean && projection.snapshot().checkpoint != nil { try startNewChangeEpoch(reason: "the previous run did not stop cleanly") }
        } catch {
            logger.error("cannot open the store's session", metadata: ["error": "\(error)"])
        }
    }

    /// Marks the store as cleanly closed when everything the projection published is committed, so change-feed
    /// cursors stay valid across the restart.
    private func closeSession() {
        do {
            guard try store.storedCheckpoint() == projection.snapshot().checkpoint else { return }
            try store.closeSession()
        } catch {
            logger.error("cannot close the store's session", metadata: ["error": "\(error)"])
        }
    }

    /// Expires every change-feed cursor handed out so far, in memory and in the store: for when the projection
    /// went back to an older durable state, whose replay may number change entries differently.
    private func startNewChangeEpoch(reason: String) throws {
        let slice = projection.startNewChangeEpoch()
        try store.resetChangeLog(slice)
        logger.notice(
            "change feed: new epoch, earlier cursors expire (410: pull again)", metadata: ["reason": "\(reason)", "epoch": "\(slice.epoch)"])
    }

    /// Reports a failure to the machine, publishes the phase and error, and waits as it says.
    private func handle(_ failure: FeedStateMachine.Failure) {
        let step = machine.withLock { $0.failed(failure) }
        perform(step, failure: failure.message)
    }

    private func perform(_ step: FeedStateMachine.Step, failure: String?) {
        let phase = machine.withLock { $0.phase }
        update {
            $0.phase = phase
            if let failure { $0.lastError = failure }
            if phase == .reconnecting { $0.reconnects += 1 }
        }
        if let failure {
            let metadata: Logger.Metadata = ["phase": "\(phase.rawValue)", "error": "\(failure)"]
            switch phase {
            case .reconnecting: logger.warning("replication interrupted; reconnecting", metadata: metadata)
            default: logger.error("replication feed failure", metadata: metadata)
            }
        }
        guard case .wait(let milliseconds) = step else { return }
        // Jitter: half the delay fixed, half random, so instances do not reconnect in step.
        sleep(milliseconds: milliseconds / 2 + Int.random(in: 0...max(1, milliseconds / 2)))
    }

    private func publishPhase() {
        let phase = machine.withLock { $0.phase }
        update { $0.phase = phase }
    }

    private func sleep(milliseconds: Int) {
        var remaining = milliseconds
        while remaining > 0 && !shouldStop && !resyncRequested.load(ordering: .acquiring) {
            let step = min(remaining, 50)
            Thread.sleep(forTimeInterval: Double(step) / 1_000)
            remaining -= step
        }
    }

    private func snapshot() throws {
        let started = ContinuousClock.now
        let outcome = try InitialSnapshot(dsn: configuration.connectionString, slot: ReplicationSlot(name: configuration.slot))
            .run(into: store, settings: projection.snapshot().settings, logger: logger)
        if !store.syncsEveryCommit { try store.sync() }
        projection.replaceState(outcome.state)
        update {
            $0.appliedLSN = outcome.consistentPoint.rawValue
            $0.unexpectedRows += outcome.unmappedRows
        }
        logger.info(
            "initial snapshot committed",
            metadata: [
                "replication.lsn": "\(outcome.consistentPoint)",
                "rows": "\(outcome.rows.values.reduce(0, +))", "seconds": "\(ContinuousClock.now - started)",
            ]
        )
    }

    /// One connection's worth of streaming; returns when asked to stop, throws on any failure.
    private func stream() throws {
        // Memory may have run ahead of the store if an earlier session's last commits failed: stream from what
        // is durable, never from what only memory holds.
        let durable = try store.storedCheckpoint()
        if durable != projection.snapshot().checkpoint {
            logger.notice("reloading the projection from the store's checkpoint", metadata: ["replication.lsn": "\(durable?.description ?? "none")"])
            projection.replaceState(try store.load(settings: projection.snapshot().settings))
            try startNewChangeEpoch(reason: "memory had run ahead of the store")
        }
        let connectionString = configuration.connectionString
        let slot = ReplicationSlot(name: configuration.slot)
        let admin = try PostgresConnection(conninfo: connectionString)
        guard var slotStatus = try slot.status(on: admin), slotStatus.walStatus != "lost" else {
            throw FeedError.slotLost
        }
        if lastConnectionStalled.exchange(false, ordering: .acquiringAndReleasing), slotStatus.active, let pid = slotStatus.activePID {
            // Our stalled connection's server process still holds the slot, and would until wal_sender_timeout:
            // end it (a role may end its own sessions) so this connection can stream now.
            logger.notice(
                "ending the stalled connection's server process that still holds the slot",
                metadata: ["slot": "\(configuration.slot)", "pid": "\(pid)"])
            _ = try? admin.execute("SELECT pg_terminate_backend(\(pid))")
            let deadline = ContinuousClock.now + .seconds(5)
            while slotStatus.active && ContinuousClock.now < deadline, let next = try slot.status(on: admin) {
                slotStatus = next
                if slotStatus.active { Thread.sleep(forTimeInterval: 0.05) }
            }
        }
        // The slot only ever moves forward from what was confirmed; if it confirmed more than the store holds,
        // the store lost commits (unsynced ones, a restored backup, a failed resync) and the server would not
        // send them again.
        var covered = LSN(try store.confirmedPosition() ?? 0)
        if let confirmed = slotStatus.confirmedFlush, confirmed > covered { throw FeedError.storeBehindSlot(slot: confirmed, store: covered) }
        let connection = try PostgresConnection(conninfo: connectionString, replication: true)
        let start = projection.snapshot().checkpoint?.position ?? 0
        try connection.startCopyBoth(
            "START_REPLICATION SLOT \(connection.identifier(configuration.slot)) LOGICAL \(Checkpoint(position: start)) "
                + "(proto_version '1', publication_names \(connection.literal(configuration.publication)))"
        )
        machine.withLock { $0.streamStarted() }
        update {
            $0.phase = .streaming
            $0.lastError = nil
            $0.lastMessageTime = currentUnixMicroseconds()
        }
        logger.info("streaming", metadata: ["slot": "\(configuration.slot)", "replication.lsn": "\(Checkpoint(position: start))"])

        var stream = ReplicationStreamDecoder()
        var pending: [SourceTransaction] = []
        var grouping = TransactionGrouping(base: configuration.maxGroupSize, ceiling: configuration.maxCatchUpGroupSize)
        var received = LSN(start)
        var serverEnd = LSN(start)
        var confirmed = LSN(start)
        var reportedIgnored = 0
        var reportedDroppedMoves = 0
        // What the read loop saw since the status was last updated: the status (a lock, a history sample and the
        // metrics) is updated once per group of messages, not per message.
        var unreportedBytes = 0
        var lastMessageMicros: Int64?
        func reportReceived(into status: inout FeedStatus) {
            status.bytesReceived += unreportedBytes
            unreportedBytes = 0
            if let lastMessageMicros { status.lastMessageTime = lastMessageMicros }
            status.serverWALEnd = serverEnd.rawValue
        }
        var changesEnqueued = projection.snapshot().changeLogPosition
        let clock = ContinuousClock()
        var lastStatus = clock.now
        var lastMessage = clock.now
        let statusInterval = Duration.milliseconds(configuration.statusIntervalMilliseconds)
        let writer = StoreWriter(store: store, durable: start, syncInterval: .milliseconds(configuration.syncIntervalMilliseconds)) {
            [self] _, checkpoint, outbox in
            if !outbox.isEmpty { eventsCommitted?(outbox) }
            update {
                $0.commits += 1
                $0.durableLSN = checkpoint.position
            }
        }
        var writerFinished = false
        defer {
            if !writerFinished { try? writer.finish() }
        }

        func sendStatus(askForReply: Bool) throws {
            // Only what is on disk for certain is confirmed. When nothing is pending and everything received is
            // synced, confirm the server's WAL end (recorded in the store first, so a later connect does not take
            // it for a gap), so an idle publication never makes the slot hold WAL.
            let synced = LSN(writer.synced)
            var flushed = synced
            let idle = pending.isEmpty && !stream.isInsideTransaction && received <= synced && writer.isIdle
            if idle && serverEnd > flushed {
                if serverEnd > covered {
                    do {
                        try store.recordConfirmed(serverEnd.rawValue)
                    } catch {
                        throw StoreWriteFailure(underlying: error)
                    }
                    covered = serverEnd
                }
                flushed = serverEnd
            }
            let status = StandbyStatus(written: max(received, flushed), flushed: flushed, applied: flushed, replyRequested: askForReply)
            try connection.sendCopyData(status.bytes(), timeoutMilliseconds: configuration.sendTimeoutMilliseconds)
            lastStatus = clock.now
            if flushed > confirmed {
                confirmed = flushed
                machine.withLock { $0.progressed() }
            }
            update {
                reportReceived(into: &$0)
                $0.confirmedLSN = flushed.rawValue
                $0.syncedLSN = synced.rawValue
            }
        }

        func applyPending() throws {
            guard !pending.isEmpty else { return }
            // Apply in memory now (readers see it at once), and hand the same transactions to the store writer.
            let current = projection.snapshot().checkpoint?.position ?? 0
            let fresh = pending.filter { $0.checkpoint.position > current }
            let report = try projection.apply(fresh)
            // The snapshot now holds every move these transactions opened: the decode-time filter can rely on it.
            stream.transactionsApplied()
            let visibleAt = currentUnixMicroseconds()
            do {
                let changes = projection.snapshot().changeLogSlice(from: changesEnqueued)
                try writer.enqueue(fresh, changes: changes, outbox: report.outbox)
                if !fresh.isEmpty { changesEnqueued = changes.nextPosition }
            } catch {
                throw StoreWriteFailure(underlying: error)
            }
            if report.applied > 0 { machine.withLock { $0.progressed() } }
            let problems = stream.takeProblems()
            for problem in problems {
                logger.warning("unexpected replication row", metadata: ["odoo.relation": "\(problem.relation)", "error": "\(problem.reason)"])
            }
            for anomaly in report.anomalies { logger.info("replication anomaly", metadata: ["error": "\(anomaly)"]) }
            for kit in report.kitProblems {
                logger.warning(
                    "invalid kit",
                    metadata: ["kit.variant_id": "\(kit.kitID)", "kit.bom_id": "\(kit.bomID)", "error": "\(kit.problem.map { "\($0)" } ?? "")"])
            }
            metrics.recordKits(invalid: projection.snapshot().invalidKitCount, newlyInvalid: report.kitProblems.count)
            let ignored = stream.ignoredRows - reportedIgnored
            reportedIgnored = stream.ignoredRows
            let droppedMoves = stream.droppedMoveRows - reportedDroppedMoves
            reportedDroppedMoves = stream.droppedMoveRows
            update {
                reportReceived(into: &$0)
                $0.transactions += report.applied
                $0.rowChanges += report.rowChanges
                $0.unexpectedRows += problems.count + report.anomalies.count
                $0.ignoredRows += ignored
                $0.droppedMoveRows += droppedMoves
                $0.recordProblems(
                    mapping: problems.map { "\($0.relation): \($0.reason)" }, anomalies: report.anomalies.map { "\($0)" }, now: visibleAt)
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
                try sendStatus(askForReply: false)
                throw FeedError.resyncRequested
            }
            var output: ReplicationStreamDecoder.Output?
            var decodeError: (any Error)?
            // Block briefly only when nothing is waiting to be committed; otherwise just drain what is buffered.
            let result = try connection.readCopyData(timeoutMilliseconds: pending.isEmpty ? 100 : 0) { bytes in
                do {
                    output = try stream.decode(bytes, current: projection.snapshot())
                } catch {
                    decodeError = error
                }
                unreportedBytes += bytes.count
                lastMessageMicros = currentUnixMicroseconds()
            }
            switch result {
            case .ended:
                try applyPending()
                throw PostgresError(kind: .connection, message: "the server ended the replication stream")
            case .timedOut:
                try applyPending()
                grouping.caughtUp()
                if unreportedBytes > 0 { update { reportReceived(into: &$0) } }
                let silent = clock.now - lastMessage
                let silentMilliseconds = silent.components.seconds * 1_000 + silent.components.attoseconds / 1_000_000_000_000_000
                if machine.withLock({ $0.isStalled(silentMilliseconds: silentMilliseconds) }) {
                    throw FeedError.stalled(milliseconds: Int(silentMilliseconds))
                }
            case .message:
                lastMessage = clock.now
                if let decodeError {
                    // A message we cannot read would make every later figure suspect: count it and reconnect,
                    // so the server resends from the last confirmed position.
                    update {
                        reportReceived(into: &$0)
                        $0.unexpectedRows += 1
                    }
                    try applyPending()
                    throw decodeError
                }
                switch output {
                case .keepalive(let walEnd, let replyRequested):
                    serverEnd = max(serverEnd, walEnd)
                    update { reportReceived(into: &$0) }
                    if replyRequested {
                        try applyPending()
                        try sendStatus(askForReply: false)
                    }
                case .data(let walStart, let walEnd, let transaction):
                    serverEnd = max(serverEnd, walEnd)
                    received = max(received, walStart)
                    if let problem = stream.schemaMismatch {
                        // Apply what came before this transaction; the transaction in hand is never applied and
                        // nothing at or past it is confirmed.
                        try applyPending()
                        try finishWriter()
                        let synced = LSN(writer.synced)
                        try? connection.sendCopyData(
                            StandbyStatus(written: synced, flushed: synced, applied: synced, replyRequested: false).bytes(),
                            timeoutMilliseconds: configuration.sendTimeoutMilliseconds
                        )
                        update {
                            reportReceived(into: &$0)
                            $0.confirmedLSN = synced.rawValue
                        }
                        throw FeedError.schemaMismatch(problem)
                    }
                    if let transaction {
                        received = max(received, LSN(transaction.checkpoint.position))
                        pending.append(transaction)
                        if grouping.isFull(pending.count) {
                            try applyPending()
                            grouping.filledWhileBehind()
                        }
                    }
                case nil:
                    break
                }
            }
            if clock.now - lastStatus >= statusInterval {
                try applyPending()
                try sendStatus(askForReply: true)
            }
        }
        try applyPending()
        try finishWriter()
        try sendStatus(askForReply: false)
    }
}

/// Failures the feed handles specially.
enum FeedError: Error, Equatable {
    /// The slot does not exist or is invalidated.
    case slotLost
    /// An operator asked for a resync.
    case resyncRequested
    /// The slot confirmed a position past what the store covers.
    case storeBehindSlot(slot: LSN, store: LSN)
    /// A mirrored table's relation cannot be mapped.
    case schemaMismatch(TransactionAssembler.Problem)
    /// The server sent nothing for this long.
    case stalled(milliseconds: Int)
}

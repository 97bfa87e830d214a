/// When a subscription's task reads the outbox next: at once, after the gather interval, after a wake-up, or,
/// while the writer catches up a backlog of WAL, after a longer pause with one message per read.
///
/// Without it, a subscription following live read after every 5 ms gather, whatever the writer was doing: while
/// the writer ingests a backlog (events committed in PostgreSQL seconds ago, commits back to back), ten
/// subscriptions each sent a small request every few milliseconds, on the cores the writer needs. Now a task that
/// finds the writer behind (its latest commit older than ``backlogLag`` when it was stored, and a commit within
/// the last ``idleAfter``) lets its deliveries fall behind instead: it reads one message's worth (its batch size)
/// and then pauses, the pause doubling from twice the gather interval up to ``maximum``, so that the writer gets
/// the cores and each request carries a full batch. It reads on at once, and with the usual read size, as soon
/// as the writer goes idle or live (no commit for ``idleAfter``, or a commit younger than ``backlogLag``), so a
/// backlog of deliveries then goes out at full speed; at a steady live rate nothing changes (each commit is
/// young).
///
/// A value type: the dispatcher's task feeds it what it saw and carries out the ``Action`` it returns
/// (postgres-nio's state machines are the model).
struct DeliveryPacing: Equatable {
    /// What a read of the outbox found (``SubscriptionWorker/Progress``, as seen here).
    enum Read: Equatable {
        /// Nothing to do (paused, disabled, or no new record).
        case idle
        /// It reached the outbox's end.
        case caughtUp
        /// It stopped with more to do (a full read, a redelivery, a change of the subscription).
        case more
    }

    /// What the writer did last, from ``WebhookWakeUp/writerActivity(now:)``.
    struct Writer: Equatable {
        /// How old (since PostgreSQL's commit) the newest event of the writer's latest commit was when it was stored.
        var lag: Duration
        /// How long ago that commit was.
        var sinceCommit: Duration
    }

    /// What the task does next.
    enum Action: Equatable {
        /// Read the outbox now: one message's worth (the batch size) while the writer is behind, else the usual
        /// read size.
        case read(oneMessage: Bool)
        /// Sleep this long, then report ``slept(writer:controlChanged:)``.
        case sleep(Duration)
        /// Wait for the writer's or the admin API's wake-up (or the poll interval), then report ``woken()``.
        case waitForWakeUp
    }

    /// How long a task lets events gather after a wake-up or a read that reached the outbox's end.
    let gather: Duration
    /// The longest pause between two reads while the writer is behind (`.zero`: never pause; the earlier behaviour).
    let maximum: Duration
    /// How old the writer's newest committed event must be for the writer to count as catching up a backlog.
    let backlogLag: Duration
    /// How long without a commit before the writer counts as idle.
    let idleAfter: Duration

    /// The current pause while the writer is behind (doubles per read, back to the gather interval when it is not).
    private(set) var interval: Duration
    private var state: State = .reading

    private enum State: Equatable {
        /// A read is due or under way.
        case reading
        /// Sleeping the gather interval; then a read of the usual size.
        case gathering
        /// Pausing while the writer is behind: this much of the pause remains after the current slice.
        case pausing(remaining: Duration)
        /// Waiting for a wake-up.
        case waiting
    }

    /// Creates the pacing of one subscription.
    ///
    /// - Parameters:
    ///   - gather: How long events gather after a wake-up or a read that reached the end (and the slice in which a
    ///     pause looks at the writer again).
    ///   - maximum: The longest pause while the writer is behind (`.zero` turns pausing off).
    ///   - backlogLag: How old the writer's newest event must be for it to count as behind.
    ///   - idleAfter: How long without a commit before the writer counts as idle (default: four times the maximum,
    ///     at least twice `gather`: a writer catching up commits groups of up to 16,384 transactions, which take
    ///     up to a few hundred milliseconds each on a loaded machine; an idle writer is only noticed that much
    ///     later, once).
    init(gather: Duration, maximum: Duration, backlogLag: Duration, idleAfter: Duration? = nil) {
        self.gather = max(gather, .zero)
        self.maximum = max(maximum, .zero)
        self.backlogLag = backlogLag
        self.idleAfter = idleAfter ?? max(self.gather * 2, self.maximum * 4, .milliseconds(1))
        interval = self.gather
    }

    /// Whether a pause is in force (the task then reads one message's worth at a time).
    var isPausing: Bool {
        if case .pausing = state { return true }
        return false
    }

    /// Whether the writer, as last seen, is catching up a backlog: its latest commit is recent and was already old.
    func isBehind(_ writer: Writer?) -> Bool {
        guard maximum > .zero, let writer else { return false }
        return writer.lag >= backlogLag && writer.sinceCommit < idleAfter
    }

    /// The first action of a task.
    mutating func start() -> Action {
        state = .reading
        return .read(oneMessage: false)
    }

    /// A read (and the deliveries of what it found) ended.
    ///
    /// - Parameters:
    ///   - read: What it found.
    ///   - writer: The writer's latest commit (`nil`: none seen yet).
    mutating func afterRead(_ read: Read, writer: Writer?) -> Action {
        guard read != .idle else {
            interval = gather
            state = .waiting
            return .waitForWakeUp
        }
        if isBehind(writer) {
            interval = min(max(interval * 2, gather * 2, .milliseconds(1)), maximum)
            return pause(interval)
        }
        interval = gather
        if read == .more {
            state = .reading
            return .read(oneMessage: false)
        }
        return gatherThenRead()
    }

    /// A ``Action/sleep(_:)`` ended.
    ///
    /// - Parameters:
    ///   - writer: The writer's latest commit.
    ///   - controlChanged: Whether the admin API changed something meanwhile (a pause, a replay, a redelivery).
    mutating func slept(writer: Writer?, controlChanged: Bool) -> Action {
        switch state {
        case .pausing(let remaining):
            if controlChanged || !isBehind(writer) {
                // The writer went idle or live (or an operator acted): read on at once, and fully.
                state = .reading
                return .read(oneMessage: false)
            }
            if remaining > .zero { return pause(remaining) }
            state = .reading
            return .read(oneMessage: true)
        case .gathering, .reading, .waiting:
            state = .reading
            return .read(oneMessage: false)
        }
    }

    /// A ``Action/waitForWakeUp`` ended (woken, or the poll interval passed).
    mutating func woken() -> Action { gatherThenRead() }

    private mutating func gatherThenRead() -> Action {
        guard gather > .zero else {
            state = .reading
            return .read(oneMessage: false)
        }
        state = .gathering
        return .sleep(gather)
    }

    /// Sleeps one slice of the pause (the gather interval at most, so that an idle writer is noticed soon).
    private mutating func pause(_ remaining: Duration) -> Action {
        let slice = min(remaining, max(gather, .milliseconds(1)))
        state = .pausing(remaining: remaining - slice)
        return .sleep(slice)
    }
}

import StockProjection

/// Where one stream stands: merges the catch-up from the outbox with the live events without a gap or a
/// duplicate.
///
/// The client subscribes first (live events queue from then on), then reads the outbox after its
/// `Last-Event-ID`: an event committed before the subscription is in the outbox, one committed after it is in
/// the queue, and one committed in between is in both. Events are published in commit order, so the cursor
/// keeps the highest key it has considered (``position``) and skips any event at or below it.
struct EventStreamCursor: Sendable {
    /// Every event at or before this key has been considered (sent, or filtered out); `nil`: none yet.
    private(set) var position: OutboxKey?
    /// The last event sent to the client, or the id it resumed from: what it should resume from.
    private(set) var lastDelivered: OutboxKey?
    /// The client's filter (applied to outbox reads; live events are filtered when published).
    let filter: EventStreamFilter

    /// Creates a cursor.
    ///
    /// - Parameters:
    ///   - resumeAfter: The client's `Last-Event-ID`, or `nil` to start live.
    ///   - filter: The client's filter.
    init(resumeAfter: OutboxKey?, filter: EventStreamFilter) {
        position = resumeAfter
        lastDelivered = resumeAfter
        self.filter = filter
    }

    /// Takes a page read from the outbox after ``position``.
    ///
    /// - Returns: The events to send, in order.
    mutating func outboxRead(_ page: [StreamedEvent]) -> [StreamedEvent] {
        var send: [StreamedEvent] = []
        for event in page where isNew(event.key) {
            position = event.key
            if filter.matches(event) {
                send.append(event)
                lastDelivered = event.key
            }
        }
        return send
    }

    /// Takes live events (already filtered).
    ///
    /// - Returns: Those not sent yet, in order.
    mutating func liveReceived(_ events: [StreamedEvent]) -> [StreamedEvent] {
        var send: [StreamedEvent] = []
        for event in events where isNew(event.key) {
            position = event.key
            send.append(event)
            lastDelivered = event.key
        }
        return send
    }

    private func isNew(_ key: OutboxKey) -> Bool { position.map { key > $0 } ?? true }

    /// Whether retention may have dropped events after `position` before an outbox page read after it: judged
    /// from the oldest key the outbox holds, read *after* the page.
    ///
    /// Retention drops the oldest records first, so the oldest key kept only grows: if it is still at or before
    /// `position` after the read, nothing after `position` was dropped before it, and the page is complete. If it
    /// is past `position` (or the outbox is empty), the events between may be gone: the same judgement as a
    /// `Last-Event-ID` of `position` at the request (`410`). It errs on the safe side: when retention passes
    /// `position` between the read and this check, a complete page is judged incomplete too.
    static func retentionPassed(_ position: OutboxKey, oldestKept: OutboxKey?) -> Bool {
        guard let oldestKept else { return true }
        return oldestKept > position
    }
}

/// Whether a `Last-Event-ID` can be resumed from, judged against the outbox.
///
/// Event ids are the same on every instance following the same database (they derive from commit positions),
/// so an id after the newest one this instance holds is a client that came from an instance further ahead: it
/// resumes, and gets the events after its id as this instance commits them.
enum EventResumePoint: Sendable, Equatable {
    /// Resume after the id.
    case resumable(OutboxKey)
    /// The id is older than the oldest event kept (retention dropped it), or the outbox is empty: `410`.
    case expired(oldest: OutboxKey?)
    /// A well-formed id between the oldest and the newest kept that the outbox does not hold: `400`.
    case unknown

    /// Judges an id.
    ///
    /// - Parameters:
    ///   - key: The id the client sent.
    ///   - found: Whether the outbox holds it.
    ///   - oldest: The oldest key the outbox holds (`nil`: empty).
    ///   - newest: The newest key the outbox holds (`nil`: empty).
    init(key: OutboxKey, found: Bool, oldest: OutboxKey?, newest: OutboxKey?) {
        guard let oldest, let newest else {
            // Nothing kept: retention dropped everything after the client's id, or this instance has none yet.
            self = .expired(oldest: nil)
            return
        }
        if found || key > newest {
            self = .resumable(key)
        } else if key < oldest {
            self = .expired(oldest: oldest)
        } else {
            self = .unknown
        }
    }
}

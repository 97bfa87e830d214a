/// One stream client's bounded buffer of live events, and the decision what to do when it is full.
///
/// The hub offers each published event that passes the client's filter; the client's task takes what is
/// queued and writes it. While the client catches up from the outbox its live events wait here; if they
/// overflow then, nothing is lost (every published event is in the outbox already), so the queue is emptied and
/// the catch-up just reads further (``overflowsWhileCatchingUp`` tells it to). Once live, an overflow means
/// the client does not read as fast as events come: it is dropped, its queue released at once, and its task
/// sends a final `dropped` event naming the last id it delivered.
struct EventStreamQueue: Sendable {
    /// Where the client is.
    enum Phase: Sendable, Equatable {
        /// Reading the outbox; live events wait (or are discarded on overflow, to be read from the outbox).
        case catchingUp
        /// Following live events.
        case live
        /// Dropped because the buffer overflowed while live (the reason is the text sent to the client).
        case dropped(reason: String)
        /// Ended by the server (shutdown).
        case finished
    }

    /// What an offer did.
    enum OfferAction: Sendable, Equatable {
        /// Queued; the client should be woken if it waits.
        case queued
        /// The buffer overflowed while catching up: emptied, the client will read these from the outbox.
        case discardedWhileCatchingUp
        /// The buffer overflowed while live: the client is dropped (its queue already released).
        case dropped
        /// The client is dropped or finished: the event is ignored.
        case ignored
    }

    /// What the client's task should do next.
    enum Take: Sendable, Equatable {
        /// Write these events (already in order).
        case events([StreamedEvent])
        /// Nothing queued, but a keep-alive is due.
        case keepAlive
        /// Nothing to do: wait.
        case wait
        /// Send the final `dropped` event with this reason, then end.
        case dropped(reason: String)
        /// End the stream.
        case finished
    }

    /// The most events held.
    let capacity: Int
    private(set) var phase: Phase
    private(set) var pending: [StreamedEvent] = []
    /// How many times the buffer overflowed while catching up.
    private(set) var overflowsWhileCatchingUp = 0
    private var keepAliveDue = false

    /// Creates an empty queue.
    ///
    /// - Parameters:
    ///   - capacity: The most events held (at least 1).
    ///   - catchingUp: Whether the client starts by reading the outbox (it resumes from an id).
    init(capacity: Int, catchingUp: Bool) {
        self.capacity = max(1, capacity)
        phase = catchingUp ? .catchingUp : .live
    }

    /// Offers a published event (that passed the client's filter).
    mutating func offer(_ event: StreamedEvent) -> OfferAction {
        switch phase {
        case .dropped, .finished:
            return .ignored
        case .catchingUp:
            if pending.count >= capacity {
                pending = []
                overflowsWhileCatchingUp += 1
                return .discardedWhileCatchingUp
            }
        case .live:
            if pending.count >= capacity {
                pending = []
                phase = .dropped(reason: "the client did not read events as fast as they came; \(capacity) events were waiting")
                return .dropped
            }
        }
        pending.append(event)
        return .queued
    }

    /// Ends catch-up if no overflow happened since `overflows` was read: then every event committed before the
    /// last outbox read began is behind the client, and every later one is queued.
    ///
    /// - Returns: Whether catch-up is over (false: read the outbox again); also true for a dropped or finished client.
    mutating func goLive(ifNoOverflowSince overflows: Int) -> Bool {
        guard phase == .catchingUp else { return true }
        guard overflows == overflowsWhileCatchingUp else { return false }
        phase = .live
        return true
    }

    /// Marks a keep-alive as due (the hub's timer).
    mutating func keepAlive() {
        if phase == .live || phase == .catchingUp { keepAliveDue = true }
    }

    /// Ends the stream (server shutdown).
    mutating func finish() {
        if case .dropped = phase { return }
        phase = .finished
        pending = []
    }

    /// Takes what the client's task must do next; queued events leave the queue.
    mutating func take() -> Take {
        switch phase {
        case .dropped(let reason): return .dropped(reason: reason)
        case .finished: return .finished
        case .catchingUp, .live: break
        }
        if !pending.isEmpty {
            keepAliveDue = false
            let events = pending
            pending = []
            return .events(events)
        }
        if keepAliveDue {
            keepAliveDue = false
            return .keepAlive
        }
        return .wait
    }
}

extension EventStreamQueue {
    /// Whether ``take()`` would answer ``Take/wait``.
    var isIdle: Bool {
        switch phase {
        case .dropped, .finished: false
        case .catchingUp, .live: pending.isEmpty && !keepAliveDue
        }
    }
}

/// How many transactions the feed gathers before it applies them: each group is one publish of the in-memory
/// snapshot and one hand-over to the store writer.
///
/// A publish costs about the same whatever its group holds, because the copy-on-write of the projection copies
/// every chunk the group touches once (at 500,000 variants, 16 groups of 512 transactions took 82 ms where one group
/// of the same 8,192 took 20 ms, and one group of 16,384 took 23 ms: `apply-8192-txns-in-groups-of-…` and
/// `apply-16384-txns-in-one-group` in `Benchmarks/`). So the group grows while the feed is behind and shrinks the
/// moment it is not:
///
/// * following live, the socket runs dry after every transaction or few, and the feed applies what it has at once
///   (the group never fills, and readers see each commit as soon as it is decoded);
/// * when a group fills while more data is already waiting, the feed is the bottleneck, and the next group may
///   hold twice as many transactions, up to ``ceiling``;
/// * the first read that finds nothing waiting brings the limit back to ``base``.
///
/// The feed also applies whatever it holds at every status interval, so figures never lag more than that behind
/// what has been decoded.
struct TransactionGrouping: Equatable, Sendable {
    /// The limit while the feed keeps up (`FeedConfiguration.maxGroupSize`).
    let base: Int
    /// The largest group while the feed catches up (`FeedConfiguration.maxCatchUpGroupSize`).
    let ceiling: Int
    /// How many transactions the current group may hold.
    private(set) var limit: Int

    /// - Parameters:
    ///   - base: The limit while following live, at least 1.
    ///   - ceiling: The limit the doubling stops at; raised to `base` if smaller.
    init(base: Int, ceiling: Int) {
        self.base = max(1, base)
        self.ceiling = max(self.base, ceiling)
        limit = self.base
    }

    /// Whether a group of `count` transactions is full and must be applied now.
    func isFull(_ count: Int) -> Bool { count >= limit }

    /// A full group was applied while more data was waiting: the next group may be twice as large.
    mutating func filledWhileBehind() {
        limit = limit > ceiling / 2 ? ceiling : limit * 2
    }

    /// A read found nothing waiting: the feed has caught up with what the server sent.
    mutating func caughtUp() {
        limit = base
    }
}

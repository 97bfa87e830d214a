#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the memory map of an environment stable while anything in this process reads it.
///
/// `mdb_env_set_mapsize` unmaps and remaps the data file, so every pointer into the old map
/// (held by an open read transaction, a cursor, or a value being read) would dangle. LMDB
/// therefore requires that no transaction is active in the calling process while the map is
/// resized, and leaves it to the caller to guarantee that. This gate is that guarantee for
/// read-side users; write transactions are excluded by the environment's writer lock, which
/// every resize holds too.
///
/// - Read transactions call ``enterTransaction()`` / ``leave()``: they wait while a resize is
///   pending or running, so a stream of overlapping readers cannot starve a resize.
/// - Short calls that read the map outside a transaction (`mdb_env_info`, `mdb_env_stat`, ...)
///   call ``enterBriefly()`` / ``leave()``: they only wait while the remap itself runs, so they
///   can be made from inside a read transaction without deadlocking against a pending resize.
/// - A resize runs inside ``withExclusiveAccess(_:)``, which stops new read transactions, waits
///   until the active users have left, runs the resize and then lets everyone in again.
///
/// It is built on a pthread mutex and condition variable because waiters must sleep until
/// the state changes; each lock/unlock pair stays within one call on one thread, so read
/// transactions may end on a different thread from the one that began them.
final class MemoryMapGate: @unchecked Sendable {
    /// The state of the exclusive (resizing) side of the gate.
    private enum ExclusiveState {
        case idle
        case waitingForUsers
        case remapping
    }

    // Both are only read and written with `mutex` locked; that is what makes the
    // `@unchecked Sendable` conformance sound.
    private var activeUsers = 0
    private var exclusiveState = ExclusiveState.idle

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Registers a read transaction; waits while a resize is pending or running.
    func enterTransaction() {
        pthread_mutex_lock(mutex)
        while exclusiveState != .idle {
            pthread_cond_wait(condition, mutex)
        }
        activeUsers += 1
        pthread_mutex_unlock(mutex)
    }

    /// Registers a short call that reads the map; waits only while the remap itself runs.
    func enterBriefly() {
        pthread_mutex_lock(mutex)
        while exclusiveState == .remapping {
            pthread_cond_wait(condition, mutex)
        }
        activeUsers += 1
        pthread_mutex_unlock(mutex)
    }

    /// Unregisters a user registered by ``enterTransaction()`` or ``enterBriefly()``.
    func leave() {
        pthread_mutex_lock(mutex)
        activeUsers -= 1
        precondition(activeUsers >= 0, "MemoryMapGate.leave() without a matching enter")
        if activeUsers == 0 {
            pthread_cond_broadcast(condition)
        }
        pthread_mutex_unlock(mutex)
    }

    /// Runs `body` between ``enterBriefly()`` and ``leave()``.
    func withBriefAccess<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        enterBriefly()
        defer { leave() }
        return try body()
    }

    /// Runs `body` while no read-side user is registered and none can enter.
    ///
    /// Blocks until every registered user has left. The calling thread must not itself hold
    /// a read transaction, or it waits for itself forever.
    func withExclusiveAccess<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        while exclusiveState != .idle {
            pthread_cond_wait(condition, mutex)
        }
        exclusiveState = .waitingForUsers
        while activeUsers > 0 {
            pthread_cond_wait(condition, mutex)
        }
        exclusiveState = .remapping
        pthread_mutex_unlock(mutex)

        defer {
            pthread_mutex_lock(mutex)
            exclusiveState = .idle
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body()
    }
}

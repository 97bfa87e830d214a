/// Why `stockd clone` refused or failed; each says what to do.
public enum CloneError: Error, Equatable, CustomStringConvertible {
    /// The target store directory holds something already.
    case storeNotEmpty(String)
    /// The instance's slot exists already.
    case slotExists(String)
    /// The peer could not be reached.
    case peerUnreachable(peer: String, reason: String)
    /// The peer answered something other than the copy.
    case peerRefused(status: Int, detail: String)
    /// The peer's answer lacks a header the copy needs.
    case missingHeader(String)
    /// Fewer (or more) bytes arrived than announced.
    case truncated(expected: Int, received: Int)
    /// The bytes that arrived are not the ones the peer checksummed.
    case checksumMismatch(expected: String, computed: String)
    /// The copy's checkpoint (and what it covers) is before the new slot's consistent point.
    case peerBehind(checkpoint: String, covered: String, consistentPoint: String, slot: String)
    /// The copy does not hold what its headers said.
    case copyMismatch(String)

    public var description: String {
        switch self {
        case .storeNotEmpty(let path):
            "refusing to clone into \(path): it is not empty (clone creates a new store; move the old one away first)"
        case .slotExists(let slot):
            "replication slot \(slot) exists already: another instance uses this name (pick another --instance), or run "
                + "`stockd decommission --slot \(slot)` if its instance is gone"
        case .peerUnreachable(let peer, let reason):
            "cannot reach the peer at \(peer): \(reason); the slot this clone created was dropped"
        case .peerRefused(let status, let detail):
            "the peer refused the store copy (HTTP \(status)): \(detail)"
        case .missingHeader(let name):
            "the peer's answer has no \(name) header: is it a stockd with GET /v1/admin/store-snapshot?"
        case .truncated(let expected, let received):
            "the copy is incomplete: \(received) bytes received, \(expected) announced; nothing installed"
        case .checksumMismatch(let expected, let computed):
            "the copy's SHA-256 is \(computed), the peer announced \(expected): corrupted in transit; nothing installed"
        case .peerBehind(let checkpoint, let covered, let point, let slot):
            "peer too far behind: its copy's checkpoint \(checkpoint) (covering up to \(covered)) is before the consistent point "
                + "\(point) of the new slot \(slot), so the transactions between them would never reach this instance; the slot was "
                + "dropped and nothing installed (clone from an instance that is streaming, or start this one with a fresh snapshot)"
        case .copyMismatch(let detail):
            "the copy does not match its headers: \(detail); nothing installed"
        }
    }
}

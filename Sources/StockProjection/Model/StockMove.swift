/// A stock move (`stock_move`).
public typealias MoveID = OdooID<StockMove>

/// One `stock_move` row, with the columns Odoo's incoming, outgoing and forecast quantities read.
///
/// The projection keeps only open moves (``State/isOpen``), as ``MoveEntry``s; a move that leaves the open states
/// leaves the forecast in the same transaction.
public struct StockMove: Hashable, Sendable {
    /// `stock_move.state`.
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// `draft`: not counted.
        case draft
        /// `waiting`: counted.
        case waiting
        /// `confirmed`: counted.
        case confirmed
        /// `partially_available`: counted (16 writes it; 17+ still filters on it).
        case partiallyAvailable = "partially_available"
        /// `assigned`: counted.
        case assigned
        /// `done`: not counted (its quantity is in the quants).
        case done
        /// `cancel`: not counted.
        case cancel

        /// Whether Odoo's `_compute_quantities_dict` counts a move in this state (`waiting`, `confirmed`,
        /// `assigned`, `partially_available`).
        public var isOpen: Bool {
            switch self {
            case .waiting, .confirmed, .partiallyAvailable, .assigned: true
            case .draft, .done, .cancel: false
            }
        }

        /// Reads a `state` cell's UTF-8 text without building a string.
        ///
        /// - Parameter text: The cell's text.
        /// - Returns: The state, or `nil` for text that names none of Odoo's move states.
        @inlinable
        public init?(utf8 text: some Collection<UInt8>) {
            func equals(_ name: StaticString) -> Bool { name.withUTF8Buffer { text.elementsEqual($0) } }
            switch text.count {
            case 4 where equals("done"): self = .done
            case 5 where equals("draft"): self = .draft
            case 6 where equals("cancel"): self = .cancel
            case 7 where equals("waiting"): self = .waiting
            case 8 where equals("assigned"): self = .assigned
            case 9 where equals("confirmed"): self = .confirmed
            case 19 where equals("partially_available"): self = .partiallyAvailable
            default: return nil
            }
        }

        /// Whether a `state` cell's UTF-8 text names an open state, read from the bytes without building a string.
        ///
        /// - Parameter text: The cell's text.
        /// - Returns: `true` for `waiting`, `confirmed`, `assigned` and `partially_available`.
        @inlinable
        public static func isOpen(utf8 text: some Collection<UInt8>) -> Bool {
            // Each open state has a length no other state has (draft 5, done 4, cancel 6), so one comparison decides.
            switch text.count {
            case 7: return text.elementsEqual("waiting".utf8)
            case 8: return text.elementsEqual("assigned".utf8)
            case 9: return text.elementsEqual("confirmed".utf8)
            case 19: return text.elementsEqual("partially_available".utf8)
            default: return false
            }
        }
    }

    /// `stock_move.id`.
    public var id: MoveID
    /// `stock_move.product_id`.
    public var variantID: VariantID
    /// `stock_move.product_qty`: the demand in the product's unit.
    public var quantity: Quantity
    /// `stock_move.state`.
    public var state: State
    /// `stock_move.location_id`.
    public var sourceID: LocationID
    /// `stock_move.location_dest_id`.
    public var destinationID: LocationID
    /// `stock_move.location_final_id` (Odoo 18+), `nil` when unset or absent.
    public var finalDestinationID: LocationID?
    /// `stock_move.date`, in microseconds since 1970-01-01 UTC (Odoo writes UTC without time zone).
    public var date: Int64
    /// `stock_move.company_id`.
    public var companyID: CompanyID?
    /// `stock_move.restrict_partner_id` (owner), when set.
    public var ownerID: Int32?

    /// Creates a move.
    public init(
        id: MoveID, variantID: VariantID, quantity: Quantity, state: State, sourceID: LocationID, destinationID: LocationID,
        finalDestinationID: LocationID? = nil, date: Int64, companyID: CompanyID? = nil, ownerID: Int32? = nil
    ) {
        self.id = id
        self.variantID = variantID
        self.quantity = quantity
        self.state = state
        self.sourceID = sourceID
        self.destinationID = destinationID
        self.finalDestinationID = finalDestinationID
        self.date = date
        self.companyID = companyID
        self.ownerID = ownerID
    }

    /// The destination Odoo's forecast tests: for a move that is not done, 18's `location_final_id` when set,
    /// otherwise `location_dest_id` (`_get_domain_locations_new`, Odoo 18).
    public var effectiveDestinationID: LocationID { finalDestinationID ?? destinationID }
}

/// One open move as the projection keeps it, in its variant's list: 28 bytes, nothing spare.
///
/// The quantity and the date are 64-bit values kept as two 32-bit halves (``PackedInt64``), so the entry needs only
/// 4-byte alignment and its stride is its size: 28 bytes instead of the 32 that 8-byte alignment would round it to.
/// Nothing is narrowed: the quantity keeps its millionths and the date its microseconds, as the forecast's `to_date`
/// comparisons and the ATP schedule's order read them.
@frozen
public struct MoveEntry: Hashable, Sendable {
    /// `stock_move.id`.
    public var moveID: MoveID
    /// `stock_move.location_id`.
    public var sourceID: LocationID
    /// The effective destination (``StockMove/effectiveDestinationID``).
    public var destinationID: LocationID
    @usableFromInline var packedQuantity: PackedInt64
    @usableFromInline var packedDate: PackedInt64

    /// `stock_move.product_qty`.
    @inlinable
    public var quantity: Quantity {
        get { Quantity(rawValue: packedQuantity.value) }
        set { packedQuantity = PackedInt64(newValue.rawValue) }
    }

    /// `stock_move.date` in microseconds since 1970 UTC.
    @inlinable
    public var date: Int64 {
        get { packedDate.value }
        set { packedDate = PackedInt64(newValue) }
    }

    /// Creates an entry from an open move.
    @inlinable
    public init(_ move: StockMove) {
        moveID = move.id
        sourceID = move.sourceID
        destinationID = move.effectiveDestinationID
        packedQuantity = PackedInt64(move.quantity.rawValue)
        packedDate = PackedInt64(move.date)
    }
}

/// Odoo's forecast figures of one variant in one scope, from its open moves (`waiting`, `confirmed`, `assigned`,
/// `partially_available`):
///
/// - `incoming`: Σ `product_qty` of moves whose destination is in the scope and whose source is not (Odoo
///   `incoming_qty`);
/// - `outgoing`: Σ `product_qty` of moves whose source is in the scope and whose destination is not
///   (`outgoing_qty`);
/// - `forecast`: `onHand + incoming − outgoing` (`virtual_available`).
///
/// Quarantine and safety stock do not change them: Odoo's figures count every location of the scope.
@frozen
public struct ForecastFigures: Hashable, Sendable {
    /// On hand in the scope (the same as ``StockFigures/onHand``).
    public var onHand: Quantity
    /// Odoo `incoming_qty`.
    public var incoming: Quantity
    /// Odoo `outgoing_qty`.
    public var outgoing: Quantity
    /// The earliest dated incoming quantity: its date (microseconds since 1970 UTC) and the quantity of every
    /// incoming move with that date; `nil` when nothing is incoming (and always for kits).
    public var nextReceipt: NextReceipt?

    /// Odoo `virtual_available`: `onHand + incoming − outgoing` for a variant; for a kit, the kit formula applied
    /// to the components' forecasts (as Odoo computes it), which need not equal the kit's own sum.
    public var forecast: Quantity

    /// Figures with every quantity zero.
    public static let zero = ForecastFigures(onHand: .zero, incoming: .zero, outgoing: .zero, nextReceipt: nil)

    /// Creates a variant's figures: the forecast is `onHand + incoming − outgoing`.
    public init(onHand: Quantity, incoming: Quantity, outgoing: Quantity, nextReceipt: NextReceipt? = nil) {
        self.init(onHand: onHand, incoming: incoming, outgoing: outgoing, forecast: onHand + incoming - outgoing, nextReceipt: nextReceipt)
    }

    /// Creates figures with a given forecast (a kit's).
    public init(onHand: Quantity, incoming: Quantity, outgoing: Quantity, forecast: Quantity, nextReceipt: NextReceipt? = nil) {
        self.onHand = onHand
        self.incoming = incoming
        self.outgoing = outgoing
        self.forecast = forecast
        self.nextReceipt = nextReceipt
    }

    /// The earliest dated incoming quantity.
    public struct NextReceipt: Hashable, Sendable {
        /// The moves' `date`, in microseconds since 1970-01-01 UTC.
        public var date: Int64
        /// Σ `product_qty` of the incoming moves with that date.
        public var quantity: Quantity

        /// Creates a receipt.
        public init(date: Int64, quantity: Quantity) {
            self.date = date
            self.quantity = quantity
        }
    }
}

/// One step of an available-to-promise schedule: the moves of one date and what the scope holds after them.
public struct ScheduleStep: Hashable, Sendable {
    /// The moves' `date`, in microseconds since 1970-01-01 UTC.
    public var date: Int64
    /// Σ incoming quantity dated `date`.
    public var incoming: Quantity
    /// Σ outgoing quantity dated `date`.
    public var outgoing: Quantity
    /// On hand plus every incoming minus every outgoing up to and including `date` (the forecast as of `date`).
    public var projected: Quantity
    /// What can still be promised for `date` without breaking a later outgoing move: the least ``projected``
    /// from this step on (never above it).
    public var availableToPromise: Quantity

    /// Creates a step.
    public init(date: Int64, incoming: Quantity, outgoing: Quantity, projected: Quantity, availableToPromise: Quantity) {
        self.date = date
        self.incoming = incoming
        self.outgoing = outgoing
        self.projected = projected
        self.availableToPromise = availableToPromise
    }
}

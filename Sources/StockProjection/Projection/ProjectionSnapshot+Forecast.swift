import HashTreeCollections

extension ProjectionSnapshot {
    /// Odoo's incoming, outgoing and forecast quantities of one variant in a scope.
    ///
    /// A move counts as incoming when its (effective) destination is in the scope and its source is not, as outgoing
    /// the other way round (`_get_domain_locations_new`); 18's `location_final_id` is the destination when set.
    /// The sums are exact: `product_qty` is stored at the product unit's step, so Odoo's final `float_round` to that
    /// step changes nothing. A kit gets each figure from its components by the kit rules (Odoo's
    /// `_compute_quantities_dict` override), and no next receipt.
    ///
    /// - Parameters:
    ///   - variant: The variant.
    ///   - scope: A scope resolved from this snapshot.
    ///   - toDate: When given, only moves with `date <= toDate` count (microseconds since 1970 UTC; Odoo's
    ///     `to_date` context for a date in the future).
    /// - Complexity: O(quants + open moves of the variant); no allocation.
    public func forecast(for variant: VariantID, in scope: ResolvedScope, toDate: Int64? = nil) -> ForecastFigures {
        if !state.kits.isEmpty, let kit = state.kits.definitions[variant] {
            let rules = state.settings.kitRules
            func kitQuantity(_ field: (ForecastFigures) -> Quantity) -> Quantity {
                KitFigures.quantity(of: kit, rules: rules) { field(plainForecast(for: $0, in: scope, toDate: toDate)) }
            }
            let onHand = KitFigures.quantity(of: kit, rules: rules) { quantFigures(for: $0, in: scope).onHand }
            return ForecastFigures(
                onHand: onHand, incoming: kitQuantity(\.incoming), outgoing: kitQuantity(\.outgoing), forecast: kitQuantity(\.forecast))
        }
        return plainForecast(for: variant, in: scope, toDate: toDate)
    }

    /// The forecast figures of a variant's own quants and moves, whether or not it is a kit.
    func plainForecast(for variant: VariantID, in scope: ResolvedScope, toDate: Int64?) -> ForecastFigures {
        let onHand = quantFigures(for: variant, in: scope).onHand
        var incoming = Quantity.zero
        var outgoing = Quantity.zero
        let index = state.locationIndex
        let limit = toDate ?? .max
        var receiptDate = Int64.max
        var receiptQuantity = Quantity.zero
        state.moves.withEntries(Int(variant.rawValue)) { moves in
            for move in moves where move.date <= limit {
                let source = index.slot(move.sourceID).preorder
                let destination = index.slot(move.destinationID).preorder
                let fromInside = source >= 0 && scope.contains(preorder: source)
                let toInside = destination >= 0 && scope.contains(preorder: destination)
                if toInside && !fromInside {
                    incoming += move.quantity
                    if move.date < receiptDate {
                        receiptDate = move.date
                        receiptQuantity = move.quantity
                    } else if move.date == receiptDate {
                        receiptQuantity += move.quantity
                    }
                } else if fromInside && !toInside {
                    outgoing += move.quantity
                }
            }
        }
        let receipt = receiptDate == .max ? nil : ForecastFigures.NextReceipt(date: receiptDate, quantity: receiptQuantity)
        return ForecastFigures(onHand: onHand, incoming: incoming, outgoing: outgoing, nextReceipt: receipt)
    }

    /// The forecast figures of many variants in one scope, in the order given.
    public func forecasts(for variants: [VariantID], in scope: ResolvedScope, toDate: Int64? = nil) -> [ForecastFigures] {
        variants.map { forecast(for: $0, in: scope, toDate: toDate) }
    }

    /// The available-to-promise schedule of a variant in a scope: one step per date with incoming or outgoing
    /// moves, in date order, starting from on hand. The last step's ``ScheduleStep/projected`` is the forecast.
    /// A kit has no schedule of its own (empty).
    ///
    /// - Parameters:
    ///   - variant: The variant.
    ///   - scope: A scope resolved from this snapshot.
    ///   - toDate: When given, only moves with `date <= toDate` count.
    /// - Returns: On hand, and the steps.
    public func schedule(for variant: VariantID, in scope: ResolvedScope, toDate: Int64? = nil) -> (onHand: Quantity, steps: [ScheduleStep]) {
        let onHand = quantFigures(for: variant, in: scope).onHand
        if isKit(variant) { return (onHand: .zero, steps: []) }
        let index = state.locationIndex
        let limit = toDate ?? .max
        var byDate: [Int64: (incoming: Quantity, outgoing: Quantity)] = [:]
        for move in state.moves[Int(variant.rawValue)] where move.date <= limit {
            let source = index.slot(move.sourceID).preorder
            let destination = index.slot(move.destinationID).preorder
            let fromInside = source >= 0 && scope.contains(preorder: source)
            let toInside = destination >= 0 && scope.contains(preorder: destination)
            if toInside && !fromInside {
                byDate[move.date, default: (.zero, .zero)].incoming += move.quantity
            } else if fromInside && !toInside {
                byDate[move.date, default: (.zero, .zero)].outgoing += move.quantity
            }
        }
        var steps: [ScheduleStep] = []
        steps.reserveCapacity(byDate.count)
        var running = onHand
        for (date, sums) in byDate.sorted(by: { $0.key < $1.key }) {
            running = running + sums.incoming - sums.outgoing
            steps.append(ScheduleStep(date: date, incoming: sums.incoming, outgoing: sums.outgoing, projected: running, availableToPromise: running))
        }
        var least = Quantity(rawValue: .max)
        for position in steps.indices.reversed() {
            least = min(least, steps[position].projected)
            steps[position].availableToPromise = least
        }
        return (onHand, steps)
    }

    /// The number of open moves held (those Odoo's forecast counts).
    public var openMoveCount: Int { state.openMoveCount }

    /// Whether the snapshot holds the move `id` as open (a close of any other move changes nothing).
    ///
    /// - Parameter id: A `stock_move` id.
    /// - Returns: Whether the move is in the forecast.
    /// - Complexity: O(1) where open move ids are dense, O(log 1,024) where sparse; no allocation.
    public func holdsOpenMove(_ id: MoveID) -> Bool { state.moveOwners[id] != nil }

    /// Calls `body` with every open move the snapshot holds, in variant-id order (for storage and tests).
    public func forEachOpenMove(_ body: (VariantID, MoveEntry) -> Void) {
        state.moves.forEachKey(from: 0) { key, entries in
            for entry in entries { body(VariantID(Int32(key)), entry) }
            return true
        }
    }
}

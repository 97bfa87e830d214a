public import StockProjection

extension OdooOperations {
    /// The move operations, as Odoo's pickings write `stock_move`.
    public enum MoveKind: CaseIterable, Sendable {
        /// A new move: inserted as a draft and confirmed in the same transaction (`_action_confirm`), or left as
        /// a draft (which never counts).
        case create
        /// Reservation: `assigned` or `partially_available`.
        case reserve
        /// A partial delivery with a backorder: the move is done for part of its quantity (quants change) and a new
        /// confirmed move carries the rest.
        case partiallyDeliver
        /// Validation: the move is done and its quantity moves between the quants.
        case validate
        /// Cancellation.
        case cancel
        /// A new scheduled date.
        case redate
        /// A two-step receipt: Vendors → Input (with Odoo 18's `location_final_id` = Stock) and a waiting
        /// Input → Stock move chained to it.
        case multiStep
        /// A move from one warehouse's stock to another's.
        case interWarehouse
        /// Unlinking a draft or cancelled move.
        case unlink
    }

    /// The next move operation, drawn at random.
    public mutating func nextMoveOperation() -> SourceTransaction {
        next(MoveKind.allCases.randomElement(using: &random)!)
    }

    /// The next move operation of a given kind (empty when there is nothing to do).
    public mutating func next(_ kind: MoveKind) -> SourceTransaction {
        var changes: [StockChange] = []
        guard let variant = variants.randomElement(using: &random), let here = internalLocations.randomElement(using: &random) else {
            return finish(changes)
        }
        let amount = Quantity(units: Int.random(in: 1...10, using: &random))
        let open = moves.values.filter { $0.state.isOpen }.sorted { $0.id < $1.id }
        switch kind {
        case .create:
            let (source, destination): (LocationID, LocationID) =
                switch Int.random(in: 0..<3, using: &random) {
                case 0: (OdooCatalogue.Standard.vendors, here)
                case 1: (here, OdooCatalogue.Standard.customers)
                default: (here, internalLocations.randomElement(using: &random)!)
                }
            var move = newMove(variant: variant, amount: amount, from: source, to: destination, state: .draft)
            changes.append(.upsertMove(move))
            if Int.random(in: 0..<5, using: &random) != 0 {
                move.state = .confirmed
                changes.append(.upsertMove(move))
            }
            moves[move.id] = move
        case .reserve:
            guard var move = open.randomElement(using: &random) else { break }
            move.state = Bool.random(using: &random) ? .assigned : .partiallyAvailable
            moves[move.id] = move
            changes.append(.upsertMove(move))
        case .partiallyDeliver:
            guard var move = open.randomElement(using: &random), move.quantity > Quantity(units: 1) else { break }
            let done = Quantity(units: 1)
            var rest = newMove(
                variant: move.variantID, amount: move.quantity - done, from: move.sourceID, to: move.destinationID, state: .confirmed)
            rest.finalDestinationID = move.finalDestinationID
            rest.date = move.date
            move.quantity = done
            move.state = .done
            moves[move.id] = move
            moves[rest.id] = rest
            changes.append(.upsertMove(move))
            changes += add(-done, variant: move.variantID, location: move.sourceID)
            changes += add(done, variant: move.variantID, location: move.destinationID)
            changes.append(.upsertMove(rest))
        case .validate:
            guard var move = open.randomElement(using: &random) else { break }
            move.state = .done
            moves[move.id] = move
            changes.append(.upsertMove(move))
            changes += add(-move.quantity, variant: move.variantID, location: move.sourceID)
            changes += add(move.quantity, variant: move.variantID, location: move.destinationID)
        case .cancel:
            guard var move = open.randomElement(using: &random) else { break }
            move.state = .cancel
            moves[move.id] = move
            changes.append(.upsertMove(move))
        case .redate:
            guard var move = open.randomElement(using: &random) else { break }
            move.date += Int64(Int.random(in: -3...10, using: &random)) * 86_400_000_000
            moves[move.id] = move
            changes.append(.upsertMove(move))
        case .multiStep:
            guard let warehouse = warehouses.randomElement(using: &random), let input = inputLocations[warehouse.id] else { break }
            var first = newMove(variant: variant, amount: amount, from: OdooCatalogue.Standard.vendors, to: input, state: .confirmed)
            first.finalDestinationID = warehouse.stockLocationID
            var second = newMove(variant: variant, amount: amount, from: input, to: warehouse.stockLocationID, state: .waiting)
            second.date = first.date
            moves[first.id] = first
            moves[second.id] = second
            changes += [.upsertMove(first), .upsertMove(second)]
        case .interWarehouse:
            guard warehouses.count > 1 else { break }
            let pair = warehouses.shuffled(using: &random).prefix(2)
            let move = newMove(
                variant: variant, amount: amount, from: pair.first!.stockLocationID, to: pair.last!.stockLocationID, state: .confirmed)
            moves[move.id] = move
            changes.append(.upsertMove(move))
        case .unlink:
            guard let move = moves.values.filter({ $0.state == .draft || $0.state == .cancel }).min(by: { $0.id < $1.id }) else { break }
            moves[move.id] = nil
            changes.append(.closeMove(move.id))
        }
        return finish(changes)
    }

    private mutating func newMove(
        variant: VariantID, amount: Quantity, from source: LocationID, to destination: LocationID, state: StockMove.State
    )
        -> StockMove
    {
        let id = MoveID(nextMoveID)
        nextMoveID += 1
        // Scheduled from a day in the past to a month ahead of the operations' clock, at whole minutes.
        let date = clock + Int64(Int.random(in: -1_440...43_200, using: &random)) * 60_000_000
        return StockMove(id: id, variantID: variant, quantity: amount, state: state, sourceID: source, destinationID: destination, date: date)
    }
}

import StockProjection

extension JSONWriter {
    /// Writes the five figures as members of the current object: `on_hand`, `reserved`, `free`,
    /// `quarantined`, `available`, each an exact JSON number.
    mutating func figureMembers(_ figures: StockFigures) {
        tokens(atMost: JSONTokens.figureMembersRoom) { $0.figureMembers(figures) }
    }
}

extension JSONTokens {
    /// The largest ``figureMembers(_:)``: five keys of at most 11 letters and five quantities.
    static var figureMembersRoom: Int { 5 * (11 + 4 + quantityRoom) }

    /// The five figures as members of the current object (see ``JSONWriter/figureMembers(_:)``).
    mutating func figureMembers(_ figures: StockFigures) {
        key("on_hand")
        quantity(figures.onHand)
        key("reserved")
        quantity(figures.reserved)
        key("free")
        quantity(figures.free)
        key("quarantined")
        quantity(figures.quarantined)
        key("available")
        quantity(figures.available)
    }
}

extension JSONWriter {
    /// Writes the forecast members asked for: `incoming`, `outgoing`, `forecast` (exact JSON numbers) and
    /// `next_receipt` (`{"date": ISO 8601, "quantity": number}` or `null`), in that order.
    mutating func forecastMembers(_ figures: ForecastFigures, fields: Set<ForecastRequest.Field>) {
        if fields.contains(.incoming) {
            key("incoming")
            quantity(figures.incoming)
        }
        if fields.contains(.outgoing) {
            key("outgoing")
            quantity(figures.outgoing)
        }
        if fields.contains(.forecast) {
            key("forecast")
            quantity(figures.forecast)
        }
        if fields.contains(.nextReceipt) {
            key("next_receipt")
            if let receipt = figures.nextReceipt {
                beginObject()
                key("date")
                string(ISO8601Timestamp.string(fromMicroseconds: receipt.date))
                key("quantity")
                quantity(receipt.quantity)
                endObject()
            } else {
                null()
            }
        }
    }
}

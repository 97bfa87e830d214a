import StockProjection

extension JSONWriter {
    /// Writes the five figures as members of the current object: `on_hand`, `reserved`, `free`,
    /// `quarantined`, `available`, each an exact JSON number.
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

public import StockProjection

/// The pure decision of one rule on one (product, scope) figure at a commit boundary.
public enum RuleDecision {
    /// Whether the condition fires for a figure going from `before` to `after`.
    ///
    /// - Parameters:
    ///   - condition: The rule's condition.
    ///   - before: The figure before the transaction.
    ///   - after: The figure after it.
    ///   - armed: For `low_stock`: whether the rule may fire (it was never fired, or the figure rose to the re-arm
    ///     level since); ignored by the other conditions.
    /// - Returns: Whether it fires, and for `low_stock` whether the rule is armed afterwards.
    public static func evaluate(_ condition: RuleCondition, before: Quantity, after: Quantity, armed: Bool) -> (fires: Bool, armed: Bool) {
        switch condition {
        case .outOfStock:
            return (before > .zero && after <= .zero, armed)
        case .backInStock:
            return (before <= .zero && after > .zero, armed)
        case .changed:
            return (before != after, armed)
        case .lowStock(let threshold, let rearm):
            if after >= rearm { return (false, true) }
            if armed && after < threshold && before >= threshold { return (true, false) }
            // Already below (a figure that was low when the rule started): stay quiet until it re-arms.
            if after < threshold && before < threshold { return (false, false) }
            return (false, armed)
        }
    }
}

import StockProjection

extension JSONWriter {
    /// Writes a BoM quantity held as a `Double` (batch sizes, needs per batch) as an exact decimal JSON number,
    /// rounded to a millionth (``Quantity``'s precision, finer than any Odoo unit rounding), so `0.1` is written
    /// `0.1` and never `0.1000000000000000055`. Non-finite values are written as `null`.
    mutating func decimal(_ value: Double) {
        let scaled = (value * Double(Quantity.scale)).rounded()
        guard scaled.isFinite, abs(scaled) < Double(Int64.max / 2) else { return null() }
        quantity(Quantity(rawValue: Int64(scaled)))
    }
}

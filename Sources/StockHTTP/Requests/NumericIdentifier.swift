/// A numeric Odoo id as the client wrote it.
///
/// `value` is `nil` when the text is a well-formed integer outside `Int32`: no Odoo record can have that
/// id, so it is reported in `missing` rather than refused.
struct NumericIdentifier: Hashable {
    /// The text as given (kept for `missing`).
    var text: String
    /// The id, when it fits an Odoo `int4` id.
    var value: Int32?

    init(text: String) {
        self.text = text
        self.value = Int32(text)
    }
}

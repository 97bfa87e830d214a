public import StockCatalogue
public import StockProjection

/// Fills an empty projection (and its store) with a generated Odoo-shaped catalogue.
public enum CatalogueImport {
    /// Why a catalogue was not imported.
    public enum Failure: Error, CustomStringConvertible {
        /// The store already holds data; importing over it would mix two catalogues.
        case storeNotEmpty(Checkpoint)

        public var description: String {
            switch self {
            case .storeNotEmpty(let checkpoint):
                "the store already holds data (checkpoint \(checkpoint)); use an empty --store directory"
            }
        }
    }

    /// Generates a catalogue and applies it as one transaction at position 1.
    ///
    /// - Parameters:
    ///   - shape: What to generate.
    ///   - projection: An empty projection.
    ///   - store: Where to persist it.
    /// - Returns: The generated catalogue.
    /// - Throws: ``Failure/storeNotEmpty(_:)``, or a storage error.
    @discardableResult
    public static func run(shape: CatalogueShape, into projection: StockProjection, store: some ProjectionStore) throws -> OdooCatalogue {
        if let checkpoint = projection.snapshot().checkpoint { throw Failure.storeNotEmpty(checkpoint) }
        let catalogue = OdooCatalogue(shape: shape)
        try projection.apply(
            [SourceTransaction(checkpoint: Checkpoint(position: 1, commitTime: 0), changes: catalogue.allChanges)], persistingTo: store)
        return catalogue
    }
}

import HashTreeCollections

/// The kits of a state: each kit's definition, which kits each component feeds (the reverse index that turns one
/// component change into change-feed entries for every kit built from it, at any depth), and which source rows
/// each definition was derived from, so an edit rebuilds only the kits it can change.
///
/// Every list is kept in ascending order, so an index maintained kit by kit equals one built from scratch.
struct KitIndex: Sendable, Equatable {
    /// The rows one kit's definition depends on, beyond the BoM tables themselves.
    struct Inputs: Sendable, Equatable {
        /// The kit's own template and the template of every component its explosion visited (sub-kits and
        /// lines skipped for attribute values included): a change to one of them (a BoM, a line, a variant, the
        /// template) can change the definition.
        var templates: [TemplateID] = []
        /// Components the kit's lines name that the projection does not hold: their arrival changes the definition.
        var unknownComponents: [VariantID] = []
    }

    var definitions = TreeDictionary<VariantID, KitDefinition>()
    /// Kits by leaf component (transitive: a kit of kits is listed under the leaves of its sub-kits).
    var dependents = TreeDictionary<VariantID, [VariantID]>()
    /// Kit ids in ascending order, for location pulls.
    var sortedKits: [VariantID] = []
    /// Kits by every template in their ``Inputs``.
    var kitsByTemplate = TreeDictionary<TemplateID, [VariantID]>()
    /// Kits by every unknown component in their ``Inputs``.
    var kitsByUnknownComponent = TreeDictionary<VariantID, [VariantID]>()
    /// What each kit was derived from, to unindex it.
    var inputs = TreeDictionary<VariantID, Inputs>()
    /// Kits whose definition has a problem.
    var invalidCount = 0

    var isEmpty: Bool { definitions.isEmpty }

    /// Adds a kit's definition and its inputs (the kit must not be indexed already).
    mutating func insert(_ definition: KitDefinition, inputs kitInputs: Inputs) {
        let kit = definition.kitID
        definitions[kit] = definition
        Self.insertSorted(kit, into: &sortedKits)
        if definition.problem != nil { invalidCount += 1 }
        for component in definition.componentIDs { Self.insertSorted(kit, into: &dependents[component, default: []]) }
        for template in kitInputs.templates { Self.insertSorted(kit, into: &kitsByTemplate[template, default: []]) }
        for component in kitInputs.unknownComponents { Self.insertSorted(kit, into: &kitsByUnknownComponent[component, default: []]) }
        inputs[kit] = kitInputs
    }

    /// Removes a kit and everything indexed under it.
    ///
    /// - Returns: Its definition, or `nil` when it was not a kit.
    @discardableResult
    mutating func remove(_ kit: VariantID) -> KitDefinition? {
        guard let definition = definitions.removeValue(forKey: kit) else { return nil }
        Self.removeSorted(kit, from: &sortedKits)
        if definition.problem != nil { invalidCount -= 1 }
        for component in definition.componentIDs { Self.remove(kit, from: &dependents, key: component) }
        if let kitInputs = inputs.removeValue(forKey: kit) {
            for template in kitInputs.templates { Self.remove(kit, from: &kitsByTemplate, key: template) }
            for component in kitInputs.unknownComponents { Self.remove(kit, from: &kitsByUnknownComponent, key: component) }
        }
        return definition
    }

    private static func insertSorted(_ kit: VariantID, into list: inout [VariantID]) {
        let position = insertionPoint(of: kit, in: list)
        if position == list.count || list[position] != kit { list.insert(kit, at: position) }
    }

    private static func removeSorted(_ kit: VariantID, from list: inout [VariantID]) {
        let position = insertionPoint(of: kit, in: list)
        if position < list.count, list[position] == kit { list.remove(at: position) }
    }

    private static func remove<Key: Hashable>(_ kit: VariantID, from index: inout TreeDictionary<Key, [VariantID]>, key: Key) {
        guard var list = index[key] else { return }
        removeSorted(kit, from: &list)
        index[key] = list.isEmpty ? nil : list
    }

    /// The first position in a sorted list whose element is not below `kit`.
    private static func insertionPoint(of kit: VariantID, in list: [VariantID]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < kit { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// What an applied change can have done to the kit definitions, gathered until the next refresh.
struct KitStaleness: Sendable {
    /// Every definition may have changed (units, attribute values, a truncate, new settings, a load): rebuild all.
    var all = false
    /// Templates whose BoMs, lines, variants or template row changed.
    var templates = Set<TemplateID>()
    /// Kits named directly (waiting for a component that arrived).
    var kits = Set<VariantID>()

    var isEmpty: Bool { !all && templates.isEmpty && kits.isEmpty }
}

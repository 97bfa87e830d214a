/// The rules in force: those of the rules file, and those created or overridden through the admin API.
///
/// Precedence, as operations staff expect it: the file is the baseline a deploy ships, the API is the runtime
/// change that must survive a restart. An API rule whose id is a file rule's **overrides** it (same place in the
/// evaluation order); deleting that override brings the file's rule back. A file rule cannot be deleted through
/// the API (remove it from the file), only overridden. Rules only in the API come after the file's, by id.
///
/// A value: each operation returns the ``RuleChange`` to persist and audit, or throws a ``RuleCatalog/Refusal``.
public struct RuleCatalog: Sendable {
    /// The rules of the file, in file order.
    public private(set) var fileRules: [EventRule]
    /// The rules set through the API, by id (overrides of file rules included).
    public private(set) var apiRules: [String: EventRule]

    /// Where a rule in force comes from.
    public enum Source: String, Sendable {
        /// The rules file.
        case file
        /// The admin API (a rule of its own).
        case api
        /// The admin API, overriding the file's rule of the same id.
        case override
    }

    /// Why an operation is refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// No rule has this id.
        case notFound(String)
        /// A rule with this id exists already (create).
        case exists(String)
        /// The rule is the file's and has no override: it can only be changed in the file.
        case fileRule(String)
        /// The id does not match the rule's (replace).
        case idMismatch(path: String, body: String)
        /// The id has characters other than letters, digits, `-`, `_` and `.`, or is over 128 characters.
        case invalidID(String)

        public var description: String {
            switch self {
            case .notFound(let id): "no rule has the id \(id)"
            case .exists(let id): "a rule with the id \(id) exists already; use PUT /v1/admin/rules/\(id) to change it"
            case .fileRule(let id): "rule \(id) comes from the rules file and has no override: remove it from the file (or PUT an override)"
            case .idMismatch(let path, let body): "the body's id \(body) is not the path's \(path)"
            case .invalidID(let id): "rule id '\(id)' must be 1 to 128 letters, digits, '-', '_' or '.'"
            }
        }
    }

    /// Creates a catalog.
    public init(fileRules: [EventRule], apiRules: [EventRule] = []) {
        self.fileRules = fileRules
        self.apiRules = Dictionary(apiRules.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The rules in force, in evaluation order: the file's (overridden where the API says so), then the API's own, by id.
    public var rules: [EventRule] {
        let fileIDs = Set(fileRules.map(\.id))
        return fileRules.map { apiRules[$0.id] ?? $0 } + apiRules.values.filter { !fileIDs.contains($0.id) }.sorted { $0.id < $1.id }
    }

    /// The rule in force with this id, and where it comes from.
    public func rule(_ id: String) -> (rule: EventRule, source: Source)? {
        let file = fileRules.first { $0.id == id }
        if let api = apiRules[id] { return (api, file == nil ? .api : .override) }
        return file.map { ($0, .file) }
    }

    /// The file's rule with this id, if any.
    public func fileRule(_ id: String) -> EventRule? { fileRules.first { $0.id == id } }

    /// Whether an id may name a rule created through the API (it is used in store keys and URLs).
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128
            && id.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
            }
    }

    /// Creates a rule through the API.
    ///
    /// - Throws: ``Refusal/exists(_:)`` when a rule (file or API) has the id; ``Refusal/invalidID(_:)``.
    public mutating func create(_ rule: EventRule) throws(Refusal) -> RuleChange {
        guard Self.isValidID(rule.id) else { throw .invalidID(rule.id) }
        guard self.rule(rule.id) == nil else { throw .exists(rule.id) }
        apiRules[rule.id] = rule
        return RuleChange(action: .create, ruleID: rule.id, before: nil, after: rule)
    }

    /// Replaces a rule (or overrides a file rule) through the API.
    ///
    /// - Throws: ``Refusal/notFound(_:)`` when no rule has the id (create it with POST), ``Refusal/idMismatch(path:body:)``.
    public mutating func replace(_ id: String, with rule: EventRule) throws(Refusal) -> RuleChange {
        guard rule.id == id else { throw .idMismatch(path: id, body: rule.id) }
        guard let existing = self.rule(id) else { throw .notFound(id) }
        apiRules[id] = rule
        return RuleChange(action: existing.source == .file ? .override : .update, ruleID: id, before: existing.rule, after: rule)
    }

    /// Deletes an API rule, or an override (the file's rule is in force again).
    ///
    /// - Throws: ``Refusal/notFound(_:)``, or ``Refusal/fileRule(_:)`` for a file rule without an override.
    public mutating func delete(_ id: String) throws(Refusal) -> RuleChange {
        guard let existing = self.rule(id) else { throw .notFound(id) }
        guard existing.source != .file else { throw .fileRule(id) }
        apiRules[id] = nil
        return RuleChange(action: .delete, ruleID: id, before: existing.rule, after: fileRule(id))
    }
}

/// One change of the rules in force, to persist and to audit (with who and when, added by the caller).
public struct RuleChange: Equatable, Sendable {
    /// What was done.
    public enum Action: String, Sendable {
        /// A new rule.
        case create
        /// An API rule (or override) changed.
        case update
        /// A file rule overridden for the first time.
        case override
        /// An API rule or override removed.
        case delete
    }

    /// What was done.
    public var action: Action
    /// The rule's id.
    public var ruleID: String
    /// The rule in force before (`nil` for a create).
    public var before: EventRule?
    /// The rule in force after (`nil` when none is; the file's rule after deleting an override).
    public var after: EventRule?

    /// Creates a change.
    public init(action: Action, ruleID: String, before: EventRule?, after: EventRule?) {
        self.action = action
        self.ruleID = ruleID
        self.before = before
        self.after = after
    }
}

/// Where the store keeps the rules created or overridden through the admin API (`event_state` database).
public enum RuleStateKey {
    /// The prefix of every such rule.
    public static let prefix = "rules/api/"
    /// A rule's key; the value is the rule's JSON (``EventRule/jsonObject``).
    public static func rule(_ id: String) -> String { prefix + id }
}

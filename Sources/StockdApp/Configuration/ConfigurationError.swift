/// An error in stockd's configuration: a bad value, an unknown key in the configuration file,
/// or an unreadable configuration file.
///
/// The ``description`` is meant for operators, for example
/// `http.port: 70000 is not a port (0...65535)`.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The setting `key` (a dotted key such as `http.port`) has `value`, which is not `expected`.
    ///
    /// `value` is the text as written; for a value of the wrong shape it describes the shape
    /// (`a list`). Secret settings (`source.dsn`) are never quoted.
    case invalidValue(key: String, value: String, expected: String)
    /// The configuration file at `file` contains `keys` (dotted), which stockd does not know.
    case unknownKeys([String], file: String)
    /// The configuration file at `path` cannot be read or is not valid YAML.
    case unreadableFile(path: String, reason: String)

    /// The dotted key of the offending setting, when the error concerns a single setting.
    public var key: String? {
        switch self {
        case .invalidValue(let key, _, _):
            return key
        case .unknownKeys(let keys, _):
            return keys.count == 1 ? keys[0] : nil
        case .unreadableFile:
            return nil
        }
    }

    /// A one-line explanation naming the key, the bad value and what is allowed.
    public var description: String {
        switch self {
        case .invalidValue(let key, let value, let expected):
            return "\(key): \(value.isEmpty ? "\"\"" : value) is not \(expected)"
        case .unknownKeys(let keys, let file):
            let noun = keys.count == 1 ? "key" : "keys"
            var text = "\(file): unknown \(noun) \(keys.joined(separator: ", "))"
            if keys.contains(where: { $0.hasPrefix("safety_stock.warehouses.") || $0.hasPrefix("safety_stock.skus.") }) {
                text += " (write safety_stock.warehouses and safety_stock.skus as lists of CODE=qty entries)"
            }
            return text
        case .unreadableFile(let path, let reason):
            return "\(path): cannot read the configuration file: \(reason)"
        }
    }
}

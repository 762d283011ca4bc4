/// A config that cannot be used, with the file, the key path and (where known) the line.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// Dotted path of the offending key, e.g. `training.schedule.gamma`; empty for the file.
    public var keyPath: String
    public var line: Int?
    public var column: Int?
    public var message: String
    /// The `--set` overrides laid over the file, said after the message ("with --set a=b").
    public var overrides: String?

    public init(file: String, keyPath: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        let text = keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
        return text + (overrides.map { " (with --set \($0))" } ?? "")
    }
}

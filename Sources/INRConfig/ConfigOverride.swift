import Foundation
import Yams

/// One `key.path=value` setting laid over a config file, as `inr eval sweep --set` passes them:
/// the value is read as YAML (`64`, `cosine`, `{type: cosine}`) and replaces or adds the key
/// before the strict decoder runs, so an overridden key is checked like one in the file.
public struct ConfigOverride: Equatable, Sendable, CustomStringConvertible {
    /// Dotted key path, e.g. `network.width`.
    public var keyPath: String
    /// The value as YAML text.
    public var value: String

    public init(keyPath: String, value: String) {
        self.keyPath = keyPath
        self.value = value
    }

    /// Parses `key.path=value`.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw ConfigError(file: "--set", keyPath: "", message: "expected key.path=value, not '\(text)'")
        }
        let keyPath = text[..<equals].trimmingCharacters(in: .whitespaces)
        let components = keyPath.split(separator: ".", omittingEmptySubsequences: false)
        guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty }) else {
            throw ConfigError(file: "--set", keyPath: "", message: "'\(text)': '\(keyPath)' before '=' is not a key path such as network.width")
        }
        self.init(keyPath: keyPath, value: text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    public var description: String { "\(keyPath)=\(value)" }

    /// `root` with this override applied; mappings on the way are created as needed.
    func applied(to root: Node, file: String) throws -> Node {
        let valueNode: Node
        do {
            valueNode = try Yams.compose(yaml: value) ?? Node("")
        } catch let error as YamlError {
            let problem = YAMLProblem(error, yaml: value).message
            throw ConfigError(file: file, keyPath: keyPath, message: "the value '\(DecodingContext.shortened(value))' of --set: \(problem)")
        }
        return try Self.setting(keyPath.split(separator: ".").map(String.init)[...], to: Self.unmarked(valueNode), in: root, file: file, path: "")
    }

    /// `node` without source positions: an error in an overridden value must not point at a
    /// line of the file.
    private static func unmarked(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            scalar.mark = nil
            return .scalar(scalar)
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { (unmarked($0.key), unmarked($0.value)) }, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(unmarked), sequence.tag, sequence.style))
        case .alias:
            return node
        }
    }

    private static func setting(_ keys: ArraySlice<String>, to value: Node, in node: Node, file: String, path: String) throws -> Node {
        guard let key = keys.first else { return value }
        let here = path.isEmpty ? key : path + "." + key
        guard case .mapping(let mapping) = node else {
            throw ConfigError(file: file, keyPath: path, message: "cannot set '\(here)': '\(path)' is not a mapping")
        }
        var pairs = mapping.map { ($0.key, $0.value) }
        if let index = pairs.firstIndex(where: { $0.0.string == key }) {
            pairs[index].1 = try setting(keys.dropFirst(), to: value, in: pairs[index].1, file: file, path: here)
        } else {
            let empty = Node.mapping(Node.Mapping([]))
            pairs.append((Node(key), try setting(keys.dropFirst(), to: value, in: empty, file: file, path: here)))
        }
        return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
    }
}

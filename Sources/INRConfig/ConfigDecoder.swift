import Foundation
import Yams

/// A config section: a `Codable` struct whose stored properties mirror the YAML keys and whose
/// property initial values are the defaults.
///
/// `init()` gives the defaults; `ConfigDecoder` reads them off an instance with `Mirror`, so
/// the synthesised `Decodable` conformance works with keys left out, and no section writes its
/// own decoder.
public protocol ConfigSection: Codable {
    init()
    /// Throws `ConfigValueError` for a value that decodes but cannot be used.
    func validate() throws
}

extension ConfigSection {
    public func validate() throws {}
}

/// A string-valued choice (an activation, a schedule type): listed in the error when the YAML
/// names something else.
public protocol ConfigChoice: CaseIterable, RawRepresentable, Codable where RawValue == String {}

/// A value that is well-formed but not allowed; `key` is relative to the section validating.
public struct ConfigValueError: Error {
    public var key: String
    public var message: String

    public init(_ key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}

/// Decodes a YAML document into config sections, strictly:
///
/// - a key the target type does not have is an error (with a "did you mean" hint), in every
///   mapping, at any depth, so a misspelt key never silently falls back to its default;
/// - a missing key takes the section's default (its property's initial value);
/// - a value of the wrong kind is an error naming the key path, line and column.
public struct ConfigDecoder {
    public let file: String

    public init(file: String) { self.file = file }

    /// Decodes `yaml` with `overrides` laid over it, in order.
    public func decode<T: ConfigSection>(_ type: T.Type, from yaml: String, overrides: [ConfigOverride] = []) throws -> T {
        var root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            throw YAMLProblem(error, yaml: yaml).configError(file: file)
        }
        for override in overrides { root = try override.applied(to: root, file: file) }
        let context = DecodingContext(file: file)
        let value: T
        do {
            value = try context.decode(T.self, from: root, path: [], defaults: nil)
        } catch let error as ConfigError {
            throw error
        } catch let error as DecodingError {
            throw context.configError(error)
        }
        try context.checkUnknownKeys()
        return value
    }
}

// MARK: - Implementation

struct Key: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = "[\(intValue)]"
        self.intValue = intValue
    }
}

/// Shared by all the decoders of one document: which mappings were seen and which keys of
/// each the target types asked for.
final class DecodingContext {
    let file: String
    private var mappings: [(path: String, mapping: Node.Mapping)] = []
    private var asked: [String: Set<String>] = [:]

    init(file: String) { self.file = file }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map(\.stringValue).joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// Remembers a mapping for the unknown-key check (Yams has already refused duplicate keys).
    func register(_ mapping: Node.Mapping, at path: String) throws {
        if !mappings.contains(where: { $0.path == path }) { mappings.append((path, mapping)) }
        for (key, _) in mapping where key.string == nil {
            throw error(at: path, node: key, "keys must be strings")
        }
    }

    func ask(_ key: String, at path: String) { asked[path, default: []].insert(key) }

    func checkUnknownKeys() throws {
        for (path, mapping) in mappings {
            let known = asked[path] ?? []
            for (key, _) in mapping where !known.contains(key.string ?? "") {
                let name = key.string ?? ""
                var message = "unknown key '\(name)'"
                if let suggestion = known.min(by: { editDistance($0, name) < editDistance($1, name) }),
                    editDistance(suggestion, name) <= max(2, name.count / 3)
                {
                    message += "; did you mean '\(suggestion)'?"
                } else if !known.isEmpty {
                    message += " (known keys: \(known.sorted().joined(separator: ", ")))"
                }
                throw error(at: join(path, name), node: key, message)
            }
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func error(at path: String, node: Node?, _ message: String) -> ConfigError {
        ConfigError(file: file, keyPath: path, line: node?.mark?.line, column: node?.mark?.column, message: message)
    }

    func configError(_ error: DecodingError) -> ConfigError {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            return ConfigError(file: file, keyPath: Self.path(c.codingPath), message: c.debugDescription)
        @unknown default:
            return ConfigError(file: file, keyPath: "", message: "\(error)")
        }
    }

    /// Decodes `T` from `node`. Sections get their defaults from a default instance.
    func decode<T: Decodable>(_ type: T.Type, from node: Node, path: [any CodingKey], defaults: [String: Any]?) throws -> T {
        if let choice = T.self as? any ConfigChoice.Type {
            return try decodeChoice(choice, node: node, path: path) as! T
        }
        if let scalar = try decodeScalar(T.self, node: node, path: path) { return scalar }
        var defaults = defaults
        if let section = T.self as? any ConfigSection.Type {
            defaults = Self.defaults(of: section.init())
        }
        let value = try T(from: NodeDecoder(node: node, codingPath: path, context: self, defaults: defaults ?? [:]))
        if let section = value as? any ConfigSection {
            do {
                try section.validate()
            } catch let invalid as ConfigValueError {
                let keyPath = join(Self.path(path), invalid.key)
                let valueNode = node.mapping?[invalid.key] ?? node
                throw error(at: keyPath, node: valueNode, invalid.message)
            }
        }
        return value
    }

    static func defaults(of instance: Any) -> [String: Any] {
        var values: [String: Any] = [:]
        for child in Mirror(reflecting: instance).children {
            if let label = child.label { values[label] = child.value }
        }
        return values
    }

    private func decodeChoice<C: ConfigChoice>(_ type: C.Type, node: Node, path: [any CodingKey]) throws -> C {
        let pathString = Self.path(path)
        guard case .scalar(let scalar) = node, let value = C(rawValue: scalar.string) else {
            let found = node.string.map { "'\($0)'" } ?? "a \(node.kindName)"
            throw error(at: pathString, node: node, "expected one of \(C.allCases.map(\.rawValue).joined(separator: ", ")); found \(found)")
        }
        return value
    }

    /// Numbers, strings and booleans, parsed from YAML scalars with messages that say what was
    /// expected; nil for any other type.
    private func decodeScalar<T>(_ type: T.Type, node: Node, path: [any CodingKey]) throws -> T? {
        let parse: ((String) -> Any?)?
        let expected: String
        switch T.self {
        case is Int.Type: (parse, expected) = ({ Int($0) }, "an integer")
        case is UInt64.Type: (parse, expected) = ({ UInt64($0) }, "a non-negative integer")
        case is Double.Type: (parse, expected) = ({ Self.parseNumber($0) }, "a number")
        case is Float.Type: (parse, expected) = ({ Self.parseNumber($0).map { Float($0) } }, "a number")
        case is Bool.Type: (parse, expected) = ({ ["true": true, "false": false][$0] }, "true or false")
        case is String.Type: (parse, expected) = ({ $0 }, "a string")
        default: return nil
        }
        guard case .scalar(let scalar) = node, let value = parse?(scalar.string) as? T else {
            if let text = node.string, let problem = Self.numberProblem(text, type: T.self) {
                throw error(at: Self.path(path), node: node, problem)
            }
            let found = node.string.map { "'\(Self.shortened($0))'" } ?? "a \(node.kindName)"
            throw error(at: Self.path(path), node: node, "expected \(expected); found \(found)")
        }
        if let number = value as? Double, !number.isFinite {
            throw error(at: Self.path(path), node: node, "expected a finite number; found '\(scalar.string)'")
        }
        if let number = value as? Float, !number.isFinite {
            throw error(at: Self.path(path), node: node, "expected a number representable as a 32-bit float; found '\(scalar.string)'")
        }
        return value
    }

    private static func parseNumber(_ text: String) -> Double? {
        let lower = text.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan", "inf", "nan", "infinity", "-infinity"].contains(lower) { return nil }
        return Double(text)
    }

    /// Why `text` is not the number `type` expects, when a better reason than "expected …"
    /// exists: a non-finite float, or a whole number beyond the type's range.
    private static func numberProblem<T>(_ text: String, type: T.Type) -> String? {
        let lower = text.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan", "inf", "nan", "infinity", "-infinity", "+inf", "-inf"].contains(lower) {
            return "must be a finite number, not \(text)"
        }
        let negative = text.hasPrefix("-")
        let digits = negative || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if T.self == Int.self { return "\(text) is out of range (\(Int.min) to \(Int.max))" }
        if T.self == UInt64.self, !negative { return "\(text) is out of range (at most \(UInt64.max))" }
        return nil
    }
}

extension DecodingContext {
    /// `text` cut to 40 characters for a message, saying how long it was.
    static func shortened(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "… (\(text.count) characters)"
    }
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar: "scalar"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }
}

struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    let context: DecodingContext
    let defaults: [String: Any]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        guard case .mapping(let mapping) = node else {
            throw context.error(at: DecodingContext.path(codingPath), node: node, "expected a mapping of keys to values; found a \(node.kindName)")
        }
        try context.register(mapping, at: DecodingContext.path(codingPath))
        return KeyedDecodingContainer(KeyedContainer<K>(mapping: mapping, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else {
            throw context.error(at: DecodingContext.path(codingPath), node: node, "expected a list; found a \(node.kindName)")
        }
        return UnkeyedContainer(nodes: Array(sequence), decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    struct KeyedContainer<K: CodingKey>: KeyedDecodingContainerProtocol {
        let mapping: Node.Mapping
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [K] { mapping.keys.compactMap { $0.string.flatMap(K.init(stringValue:)) } }

        private func value(_ key: K) -> Node? {
            decoder.context.ask(key.stringValue, at: DecodingContext.path(codingPath))
            return mapping[key.stringValue]
        }

        func contains(_ key: K) -> Bool { value(key) != nil }

        func decodeNil(forKey key: K) throws -> Bool {
            guard let node = value(key) else { return true }
            return node.null != nil
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T {
            if let node = value(key), node.null != nil, case .scalar(let scalar) = node, !scalar.string.isEmpty {
                throw decoder.context.error(
                    at: decoder.context.join(DecodingContext.path(codingPath), key.stringValue), node: node,
                    "\(scalar.string) is not a value here: delete the key to use its default")
            }
            guard let node = value(key), node.null == nil else {
                if let fallback = decoder.defaults[key.stringValue] as? T { return fallback }
                if let section = T.self as? any ConfigSection.Type, let fallback = section.init() as? T { return fallback }
                throw decoder.context.error(at: decoder.context.join(DecodingContext.path(codingPath), key.stringValue), node: nil, "required key is missing")
            }
            return try decoder.context.decode(T.self, from: node, path: codingPath + [key], defaults: nil)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: K) throws -> T? {
            guard let node = value(key), node.null == nil else {
                return decoder.defaults[key.stringValue].flatMap { $0 as? T? } ?? nil
            }
            return try decoder.context.decode(T.self, from: node, path: codingPath + [key], defaults: nil)
        }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
            try nestedDecoder(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: K) throws -> any UnkeyedDecodingContainer {
            try nestedDecoder(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: K) throws -> any Decoder { try nestedDecoder(key) }

        private func nestedDecoder(_ key: K) throws -> NodeDecoder {
            guard let node = value(key) else {
                throw decoder.context.error(at: decoder.context.join(DecodingContext.path(codingPath), key.stringValue), node: nil, "required key is missing")
            }
            return NodeDecoder(node: node, codingPath: codingPath + [key], context: decoder.context, defaults: [:])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let nodes: [Node]
        let decoder: NodeDecoder
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { nodes.count }
        var isAtEnd: Bool { currentIndex >= nodes.count }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, nodes[currentIndex].null != nil else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else {
                throw decoder.context.error(at: DecodingContext.path(codingPath), node: nil, "list is too short")
            }
            defer { currentIndex += 1 }
            return try decoder.context.decode(T.self, from: nodes[currentIndex], path: codingPath + [Key(intValue: currentIndex)], defaults: nil)
        }

        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            defer { currentIndex += 1 }
            return try NodeDecoder(node: nodes[currentIndex], codingPath: codingPath + [Key(intValue: currentIndex)], context: decoder.context, defaults: [:]).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            defer { currentIndex += 1 }
            return try NodeDecoder(node: nodes[currentIndex], codingPath: codingPath + [Key(intValue: currentIndex)], context: decoder.context, defaults: [:]).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { decoder }
    }

    struct SingleValueContainer: SingleValueDecodingContainer {
        let decoder: NodeDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { decoder.node.null != nil }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try decoder.context.decode(T.self, from: decoder.node, path: codingPath, defaults: nil)
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for (j, cb) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

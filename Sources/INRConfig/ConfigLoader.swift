import Foundation

extension CodecConfig {
    /// Reads and decodes a YAML config, with `overrides` laid over the file's keys; every error
    /// names the file and the key path.
    public static func load(_ path: String, overrides: [ConfigOverride] = []) throws -> CodecConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, keyPath: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, keyPath: "", message: "not UTF-8 text")
        }
        let name = overrides.isEmpty ? path : path + " with --set " + overrides.map(\.description).joined(separator: " ")
        return try ConfigDecoder(file: name).decode(CodecConfig.self, from: text, overrides: overrides)
    }

    /// Decodes a YAML string (`name` stands in for the file in errors).
    public static func parse(_ yaml: String, name: String = "<config>") throws -> CodecConfig {
        try ConfigDecoder(file: name).decode(CodecConfig.self, from: yaml)
    }
}

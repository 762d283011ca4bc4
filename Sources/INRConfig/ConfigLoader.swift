import Foundation
import INRCore
import Yams

extension CodecConfig {
    /// Reads and decodes a YAML config, with `overrides` laid over the file's keys; every error
    /// names the file and the key path.
    /// The longest config file read (1 MiB; the shipped ones are under 2 KB).
    public static let maximumSize = 1 << 20

    public static func load(_ path: String, overrides: [ConfigOverride] = []) throws -> CodecConfig {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw ConfigError(file: path, keyPath: "", message: "is a folder, not a YAML config")
        }
        let data: Data
        do {
            data = try OutputFile.contents(of: path, atMost: maximumSize, kind: "a YAML config")
        } catch let error as MediaError {
            throw ConfigError(file: path, keyPath: "", message: error.reason)
        }
        if data.starts(with: Array("INRC".utf8)) || data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            throw ConfigError(file: path, keyPath: "", message: "is a binary file (an .inr file or an image), not a YAML config")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, keyPath: "", message: "not UTF-8 text (a config is a YAML text file)")
        }
        var isEmpty = false
        do { isEmpty = try Yams.compose(yaml: text) == nil } catch {}  // a syntax error is the decoder's to report
        if isEmpty { throw ConfigError(file: path, keyPath: "", message: "the config is empty (Configs/README.md lists its keys)") }
        do {
            return try ConfigDecoder(file: path).decode(CodecConfig.self, from: text, overrides: overrides)
        } catch var error as ConfigError {
            if !overrides.isEmpty { error.overrides = overrides.map(\.description).joined(separator: " ") }
            throw error
        }
    }

    /// Decodes a YAML string (`name` stands in for the file in errors).
    public static func parse(_ yaml: String, name: String = "<config>") throws -> CodecConfig {
        try ConfigDecoder(file: name).decode(CodecConfig.self, from: yaml)
    }
}

import Yams

/// A YAML syntax error in the words of a config's user: where it is (line and column) and what
/// is wrong, without the parser's internals (its stage names, C function names) or echoes of
/// whole lines.
struct YAMLProblem {
    var line: Int?
    var column: Int?
    var message: String

    /// The most nesting the YAML reader takes (libyaml's limit).
    static let maximumNesting = 1000

    init(_ error: YamlError, yaml: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            (line, column) = (mark.line, mark.column)
            message = Self.explain(problem, at: mark, yaml: yaml)
        case .reader(let problem, let offset, _, _):
            message = offset.map { "byte \($0): \(problem)" } ?? problem
            if problem.contains("invalid") || problem.contains("UTF") { message = "not UTF-8 text" + (offset.map { " (byte \($0))" } ?? "") }
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let lines = Self.lines(defining: key, from: context.mark.line, in: yaml)
            line = lines.count > 1 ? lines[1] : context.mark.line
            message = "duplicate key '\(key)'" + (lines.first.map { " (first set on line \($0))" } ?? "")
        case .dataCouldNotBeDecoded:
            message = "not UTF-8 text"
        default:
            message = "not valid YAML"
        }
    }

    func configError(file: String) -> ConfigError {
        ConfigError(file: file, keyPath: "", line: line, column: column, message: message)
    }

    private static func explain(_ problem: String, at mark: Mark, yaml: String) -> String {
        let lower = problem.lowercased()
        if lower.contains("nesting level") {
            return "nested more than \(maximumNesting) levels deep (the YAML reader's limit)"
        }
        if lower.contains("single document") {
            return "a config is one YAML document: remove the second '---'"
        }
        if lower.contains("cannot start any token"), character(at: mark, in: yaml) == "\t" {
            return "a tab cannot indent YAML: use spaces"
        }
        let firstLine = problem.split(separator: "\n").first.map(String.init) ?? problem
        return "not valid YAML: " + DecodingContext.shortened(firstLine)
    }

    /// The character at a 1-based line and column.
    private static func character(at mark: Mark, in yaml: String) -> Character? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let line = lines[mark.line - 1]
        guard mark.column >= 1, mark.column <= line.count else { return nil }
        return line[line.index(line.startIndex, offsetBy: mark.column - 1)]
    }

    /// The lines (1-based) from `start` on whose first non-blank text is `key:`.
    private static func lines(defining key: String, from start: Int, in yaml: String) -> [Int] {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            guard index + 1 >= start else { return nil }
            let text = line.drop { $0 == " " || $0 == "-" }
            return text.hasPrefix(key + ":") || text.hasPrefix("\"\(key)\":") || text.hasPrefix("'\(key)':") ? index + 1 : nil
        }
    }
}

import ArgumentParser

@main
struct INR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inr",
        abstract: "Store images as small neural networks.",
        discussion: """
            inr fits a per-image MLP to the pixels (SIREN, positional, Fourier-feature or SAPE \
            encodings) from a YAML config in Configs/.
            """,
        subcommands: [FitCommand.self, BenchCommand.self])

    static func main() {
        Launcher.prepareProcess()
        main(nil)
    }
}

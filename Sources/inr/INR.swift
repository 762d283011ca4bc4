import ArgumentParser
import Foundation

@main
struct INR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inr",
        abstract: "Store images as small neural networks.",
        discussion: """
            inr fits a per-image MLP to the pixels (SIREN, positional, Fourier-feature or SAPE \
            encodings) from a YAML config in Configs/, and compresses it: quantised, \
            entropy-coded weights in an .inr file that decodes back to the image.
            """,
        subcommands: [
            FitCommand.self, CompressCommand.self, DecodeCommand.self, ConcatCommand.self, InspectCommand.self, EvalCommand.self, BenchCommand.self,
        ])

    static func main() {
        Interrupt.shared.install()
        Launcher.prepareProcess()
        Console.bufferLines()
        main(nil)
    }
}

import Foundation
import INRTraining

/// Shows a fit's progress: a live line on a terminal, plain log lines otherwise.
struct ProgressReporter {
    let totalSteps: Int
    let timeLimit: Double?
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDraw = -Double.infinity
    private var last: Evaluation?

    let label: String

    init(totalSteps: Int, timeLimit: Double?, label: String = "step") {
        self.totalSteps = totalSteps
        self.timeLimit = timeLimit
        self.label = label
    }

    mutating func report(_ report: Trainer.StepReport) {
        if let evaluation = report.evaluation { last = evaluation }
        if isTerminal {
            guard report.elapsed - lastDraw >= 0.1 || report.step == totalSteps else { return }
            lastDraw = report.elapsed
            write("\r\u{1B}[K" + line(report))
        } else {
            let interval = max(1, totalSteps / 20)
            guard report.step % interval == 0 || report.step == totalSteps || report.elapsed - lastDraw >= 30 else { return }
            lastDraw = report.elapsed
            write(line(report) + "\n")
        }
    }

    mutating func finish() {
        if isTerminal { write("\n") }
    }

    private func line(_ report: Trainer.StepReport) -> String {
        let rate = Double(report.step) / max(report.elapsed, 1e-9)
        var remaining = Double(totalSteps - report.step) / max(rate, 1e-9)
        if let timeLimit { remaining = min(remaining, max(timeLimit - report.elapsed, 0)) }
        let quality: String
        if report.best.psnr != nil {
            let psnr = last?.psnr.map { String(format: "%.2f dB", $0) } ?? "--"
            quality = "PSNR \(psnr) (best " + String(format: "%.2f", report.bestPSNR) + ")"
        } else {
            quality = last?.summary ?? "--"
        }
        return "\(label) \(report.step)/\(totalSteps)  loss " + String(format: "%.3e", report.loss)
            + "  \(quality)  " + String(format: "%.1f", rate) + " steps/s  ETA " + duration(remaining)
    }

    private func duration(_ seconds: Double) -> String {
        let s = Int(min(max(seconds, 0), 359_999).rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func write(_ text: String) {
        Console.error(text)
    }
}

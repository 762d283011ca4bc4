import ArgumentParser
import Foundation
import INRCodec
import INRFormat
import INRConfig
import INRCore
import INRMedia

/// Compresses every image of a folder with every combination of `--set` values.
struct EvalSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Compress a folder of images with a config and its --set variants; write CSV, JSON and an SVG chart.",
        discussion: """
            Each --set key.path=v1,v2,... lays values over the config's keys (the value is read \
            as YAML, so {type: cosine} works; commas inside braces or brackets do not split). \
            Every combination of the --set values is one setting, one point on the inr curve. \
            The output folder gets results.csv, results.json, rd.svg and the .inr files. A rerun \
            with the same folder skips the (setting, image) pairs already in results.csv, so a long \
            sweep can be interrupted and resumed. With --shard i/N the run does every N-th pair \
            from the i-th (i counts from 0) into OUTPUT/shard-i-of-N, and `inr eval merge` joins \
            the N parts into the results of one run (docs/scale-out.md).
            """)

    @Argument(help: "The YAML config, e.g. Configs/image/codec.yaml.")
    var config: String

    @Option(help: "A folder of PNG images.")
    var images: String

    @Option(help: "Only images whose file names contain this.")
    var filter: String?

    @Option(parsing: .unconditional, help: "Only the first N images (sorted by name).")
    var limit: Int?

    @Option(name: .customLong("set"), help: "key.path=v1,v2,... (repeatable; every combination is run).")
    var settings: [String] = []

    @Option(help: "Target rates, comma-separated (e.g. 0.15,0.3,0.6): each is run as `inr compress --bpp`, combined with every --set.")
    var bpp: String?

    @Option(help: "The folder for results.csv, results.json, rd.svg and the .inr files.")
    var output: String

    @Option(help: "Codec name in the results (one curve per codec).")
    var codec = "inr"

    @Option(parsing: .unconditional, help: "i/N: only every N-th (setting, image) pair from the i-th, i from 0 (e.g. --shard $SLURM_ARRAY_TASK_ID/4); written to OUTPUT/shard-i-of-N.")
    var shard: String?

    @OptionGroup var threadOptions: ThreadOptions

    var threads: Int { threadOptions.threads }

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): must be at least 1") }
        _ = try targets()
        _ = try part()
    }

    /// `--shard`'s part, or the whole sweep.
    func part() throws -> Part? {
        try shard.map { try Part(parsing: $0, flag: "--shard") }
    }

    /// `--bpp`'s rates; one nil (the config's own network) without it.
    func targets() throws -> [Double?] {
        guard let bpp else { return [nil] }
        return try bpp.split(separator: ",", omittingEmptySubsequences: false).map { text in
            let value = Double(text.trimmingCharacters(in: .whitespaces)) ?? .nan
            try RateOptions.check(bpp: value, text: "\(bpp) ('\(text)')")
            return value
        }
    }

    func run() throws {
        let combinations = try Self.combinations(settings.map(Self.parseSetting))
        // Every setting must decode before the first (long) fit starts.
        let configs = try combinations.map { try CodecConfig.load(config, overrides: $0) }
        let targets = try targets()
        if targets != [nil], configs.contains(where: { $0.head.bitPlanes != nil }) {
            throw CommandError("--bpp is for lossy configs; \(config) is lossless")
        }
        if targets != [nil], configs.contains(where: { $0.latent != nil }) {
            throw CommandError("--bpp is for the MLP codec (Configs/image/mlp.yaml); a latent config's rate knob is λ: --set latent.lambda=0.001,0.002,…")
        }
        let budget = try DecodeBudget.current()
        Interrupt.shared.gracefulMessage = "stopping this image's fit; its result is dropped, the finished images' are kept"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: images, isDirectory: &isFolder) else {
            throw CommandError("--images \(images): no such folder")
        }
        guard isFolder.boolValue else { throw CommandError("--images \(images) is a file, not a folder of PNG images") }
        let listing: [String]
        do {
            listing = try FileManager.default.contentsOfDirectory(atPath: images)
        } catch {
            throw CommandError("--images \(images): cannot list the folder: \(MediaError.systemReason(error))")
        }
        var files = listing.filter { $0.lowercased().hasSuffix(".png") }.sorted()
        if let filter { files = files.filter { $0.contains(filter) } }
        if let limit { files = Array(files.prefix(limit)) }
        guard !files.isEmpty else { throw MediaError(path: images, reason: "no PNG images here" + (filter.map { " matching '\($0)'" } ?? "")) }

        // Every job of the sweep, in order; a shard keeps every N-th.
        var jobs: [(job: SweepManifest.Job, settings: JobEncoder)] = []
        for (overrides, codecConfig) in zip(combinations, configs) {
            for target in targets {
                let setting = (overrides.map(\.description) + (target.map { [String(format: "bpp=%g", $0)] } ?? [])).joined(separator: " ")
                var encoderSettings = codecConfig.imageEncoderSettings
                if let target { encoderSettings.sizing = .rate(bitsPerPixel: target) }
                let encoder: JobEncoder = codecConfig.latent != nil ? .latent(codecConfig.latentEncoderSettings) : .coordinate(encoderSettings)
                jobs += files.map { (SweepManifest.Job(setting: setting, image: $0), encoder) }
            }
        }
        // A repeated value (--bpp 0.3,0.3) is one job, as one run's resume makes it.
        var seen = Set<SweepManifest.Job>()
        jobs = jobs.filter { seen.insert($0.job).inserted }
        let title = "\(URL(fileURLWithPath: config).lastPathComponent) on \(URL(fileURLWithPath: images).lastPathComponent)"
        let part = try part()
        let folder = part.map { SweepManifest.folder(output: output, part: $0) } ?? output
        let manifest = try part.map { part in
            SweepManifest(
                config: config, configSHA256: SHA256.hex(try OutputFile.contents(of: config, atMost: 16 << 20, kind: "a config")), images: images, imageFiles: files, codec: codec, title: title,
                jobs: jobs.map(\.job), shard: part)
        }
        if let part { jobs = jobs.enumerated().filter { part.owns($0.offset) }.map(\.element) }

        var roles = FileRoles()
        roles.input("the config", config)
        for name in ["results.csv", "results.json", "rd.svg"] + (part == nil ? [] : [SweepManifest.fileName]) {
            roles.output("--output", folder + "/" + name)
        }
        try roles.check()
        if let manifest { try claim(folder: folder, manifest: manifest) }
        let csv = folder + "/results.csv"
        var table = FileManager.default.fileExists(atPath: csv) ? try RateDistortionTable.read(csv) : RateDistortionTable()
        for (job, encoder) in jobs {
            if Interrupt.shared.isRequested { break }
            let (setting, file) = (job.setting, job.image)
            if table.rows.contains(where: { $0.codec == codec && $0.setting == setting && $0.image == file }) { continue }
            let input = images + "/" + file
            let image = try PNG.read(input, maximumPixels: (budget.pixels, DecodeBudget.pixelsVariable))
            let compressed = "\(folder)/files/\(Self.slug(setting))/\((file as NSString).deletingPathExtension).inr"
            try OutputFile.createFolders(for: [compressed])
            let (report, staged) = try encoder.compress(image, input: input, output: compressed, threads: threads, budget: budget)
            if report.interrupted { break }
            try staged.commit()
            table.rows.append(RateDistortionRow(
                codec: codec, setting: setting, image: file, width: image.width, height: image.height, bytes: report.bytes,
                psnr: report.psnr, msssim: report.msssim, encodeSeconds: report.encodeSeconds, decodeSeconds: report.decodeSeconds))
            // Straight to the file descriptor: a sweep runs for an hour, often into a pipe.
            Console.out((String(format: "%@ %@: %.4f bpp, PSNR %.2f dB%@, encode %.1f s (%d steps), decode %.0f ms",
                         (setting.isEmpty ? "-" : setting) as NSString, file as NSString, report.bpp, report.psnr,
                         (report.msssim.map { String(format: ", MS-SSIM %.4f", $0) } ?? "") as NSString,
                         report.encodeSeconds, report.fitSteps, report.decodeSeconds * 1000) + "\n"))
            try writeResults(table, csv: csv, json: folder + "/results.json", svg: folder + "/rd.svg", title: title)
        }
        try writeResults(table, csv: csv, json: folder + "/results.json", svg: folder + "/rd.svg", title: title)
        printSummaries(table)
        if let part {
            let done = Set(table.rows.map { SweepManifest.Job(setting: $0.setting, image: $0.image) })
            print("wrote \(folder)/results.csv, results.json, rd.svg: shard \(part), \(jobs.filter { done.contains($0.job) }.count) of its \(jobs.count) jobs done")
        } else {
            print("wrote \(output)/results.csv, results.json, rd.svg")
        }
        if Interrupt.shared.isRequested { throw ExitCode(130) }
    }

    /// A job's codec: the coordinate-network image codec or the latent-grid codec.
    enum JobEncoder {
        case coordinate(ImageEncoder.Settings)
        case latent(LatentEncoderSettings)

        /// The image through the codec (interruptible); the file is staged, not committed.
        func compress(_ image: Image, input: String, output: String, threads: Int, budget: DecodeBudget) throws -> (ImageCompressionReport, StagedOutput) {
            Interrupt.shared.gracefulStop = true
            defer { Interrupt.shared.gracefulStop = false }
            switch self {
            case .coordinate(let settings):
                let encoder = try ImageEncoder(settings: settings, threads: threads, budget: budget)
                do { try encoder.checkDecodable(image) } catch { throw MediaError(path: input, reason: "\(error)") }
                let (report, _, staged) = try encoder.compress(image, input: input, output: output, shouldStop: { Interrupt.shared.isRequested })
                return (report, staged)
            case .latent(let settings):
                let encoder = try LatentEncoder(settings: settings, threads: threads, budget: budget)
                do { try encoder.checkDecodable(image) } catch { throw MediaError(path: input, reason: "\(error)") }
                let (report, _, staged) = try encoder.compress(image, input: input, output: output, shouldStop: { Interrupt.shared.isRequested })
                return (report, staged)
            }
        }
    }

    /// Writes the part's shard.json, or checks the one a previous run of this shard wrote: a
    /// folder holds one sweep's shard, so a resumed shard never mixes two sweeps' rows.
    func claim(folder: String, manifest: SweepManifest) throws {
        let path = folder + "/" + SweepManifest.fileName
        if FileManager.default.fileExists(atPath: path) {
            let existing = try SweepManifest.read(path)
            guard existing.isSameSweep(as: manifest), existing.shard == manifest.shard else {
                throw MediaError(path: path, reason: "holds shard \(existing.shard) of another sweep (config, images, settings or --codec differ); "
                    + "give this sweep another --output")
            }
            return
        }
        try OutputFile.createFolders(for: [path])
        try manifest.write(to: path)
    }

    /// `key=v1,v2` → one override per value; commas inside {} or [] stay in the value.
    static func parseSetting(_ text: String) throws -> [ConfigOverride] {
        let single = try ConfigOverride(parsing: text)
        var values: [String] = []
        var current = ""
        var depth = 0
        for character in single.value {
            switch character {
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            default: break
            }
            if character == ",", depth == 0 {
                values.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        values.append(current)
        return values.map { ConfigOverride(keyPath: single.keyPath, value: $0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The Cartesian product, first option outermost; one empty combination without options.
    static func combinations(_ options: [[ConfigOverride]]) -> [[ConfigOverride]] {
        options.reduce([[]]) { partial, values in partial.flatMap { prefix in values.map { prefix + [$0] } } }
    }

    /// A folder name for a setting.
    static func slug(_ setting: String) -> String {
        guard !setting.isEmpty else { return "default" }
        return String(setting.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "=" ? $0 : "_" })
    }
}

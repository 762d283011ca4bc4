import Foundation
import INRCore
import INRMedia

/// One image coded one way: the row format shared by `inr eval sweep`, `inr eval compare --csv`
/// and `Tools/classic_codecs.py`, so `inr eval plot` can put any of them on one chart.
///
///     codec,setting,image,width,height,bytes,bpp,psnr,msssim,encode_seconds,decode_seconds
///
/// `codec` names a curve (`inr`, `JPEG`), `setting` a point on it (`network.width=64`, `q=40`);
/// the chart averages each (codec, setting) over its images.
struct RateDistortionRow: Codable, Equatable {
    var codec: String
    var setting: String
    var image: String
    var width: Int
    var height: Int
    var bytes: Int
    var bpp: Double
    var psnr: Double
    /// Empty in CSV where the image is too small for MS-SSIM.
    var msssim: Double?
    var encodeSeconds: Double?
    var decodeSeconds: Double?

    static let header = ["codec", "setting", "image", "width", "height", "bytes", "bpp", "psnr", "msssim", "encode_seconds", "decode_seconds"]

    var fields: [String] {
        func number(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "" }
        return [codec, setting, image, "\(width)", "\(height)", "\(bytes)", number(bpp, "%.5f"), number(psnr, "%.4f"),
                number(msssim, "%.6f"), number(encodeSeconds, "%.4f"), number(decodeSeconds, "%.4f")]
    }

    init(codec: String, setting: String, image: String, width: Int, height: Int, bytes: Int, psnr: Double,
         msssim: Double?, encodeSeconds: Double?, decodeSeconds: Double?)
    {
        self.codec = codec
        self.setting = setting
        self.image = image
        self.width = width
        self.height = height
        self.bytes = bytes
        self.bpp = Double(bytes * 8) / Double(width * height)
        self.psnr = psnr
        self.msssim = msssim
        self.encodeSeconds = encodeSeconds
        self.decodeSeconds = decodeSeconds
    }

    /// A CSV record by header name; `source` names the file in errors.
    init(record: [String: String], source: String) throws {
        func text(_ key: String) throws -> String {
            guard let value = record[key] else { throw MediaError(path: source, reason: "no '\(key)' column") }
            return value
        }
        func number<T: LosslessStringConvertible>(_ key: String, _ type: T.Type) throws -> T {
            guard let value = T(try text(key)) else { throw MediaError(path: source, reason: "'\(key)' is not a number: '\(try text(key))'") }
            return value
        }
        func optional(_ key: String) throws -> Double? {
            guard let value = record[key], !value.isEmpty else { return nil }
            guard let number = Double(value) else { throw MediaError(path: source, reason: "'\(key)' is not a number: '\(value)'") }
            return number
        }
        codec = try text("codec")
        setting = record["setting"] ?? ""
        image = try text("image")
        width = try number("width", Int.self)
        height = try number("height", Int.self)
        bytes = try number("bytes", Int.self)
        bpp = try number("bpp", Double.self)
        psnr = try number("psnr", Double.self)
        msssim = try optional("msssim")
        encodeSeconds = try optional("encode_seconds")
        decodeSeconds = try optional("decode_seconds")
    }
}

/// Rows with CSV reading and writing and per-setting means.
struct RateDistortionTable {
    var rows: [RateDistortionRow] = []

    /// Mean figures of one (codec, setting) over its images.
    struct Summary: Codable {
        var codec: String
        var setting: String
        var images: Int
        var bpp: Double
        var psnr: Double
        var msssim: Double?
        var encodeSeconds: Double?
        var decodeSeconds: Double?
    }

    init(rows: [RateDistortionRow] = []) { self.rows = rows }

    static func read(_ path: String) throws -> RateDistortionTable {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw MediaError(path: path, reason: "cannot read the file as UTF-8 text")
        }
        let records = try CSV.parse(text, source: path)
        guard let header = records.first else { return RateDistortionTable() }
        return RateDistortionTable(rows: try records.dropFirst().filter { $0 != [""] }.map { record in
            guard record.count == header.count else { throw MediaError(path: path, reason: "a row has \(record.count) fields, the header \(header.count)") }
            return try RateDistortionRow(record: Dictionary(zip(header, record), uniquingKeysWith: { a, _ in a }), source: path)
        })
    }

    var csv: String {
        ([RateDistortionRow.header] + rows.map(\.fields)).map { CSV.line($0) }.joined()
    }

    /// (codec, setting) groups in order of first appearance, with means over their rows.
    var summaries: [Summary] {
        var order: [String: Int] = [:]
        var groups: [[RateDistortionRow]] = []
        for row in rows {
            let key = row.codec + "\u{0}" + row.setting
            if let index = order[key] { groups[index].append(row) } else {
                order[key] = groups.count
                groups.append([row])
            }
        }
        return groups.map { group in
            func mean(_ values: [Double?]) -> Double? {
                let present = values.compactMap { $0 }
                return present.count == values.count && !present.isEmpty ? present.reduce(0, +) / Double(present.count) : nil
            }
            return Summary(
                codec: group[0].codec, setting: group[0].setting, images: group.count,
                bpp: mean(group.map(\.bpp))!, psnr: mean(group.map(\.psnr))!, msssim: mean(group.map(\.msssim)),
                encodeSeconds: mean(group.map(\.encodeSeconds)), decodeSeconds: mean(group.map(\.decodeSeconds)))
        }
    }
}

/// RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled.
enum CSV {
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }

    static func parse(_ text: String, source: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                record.append(field)
                records.append(record)
                record = []
                field = ""
            default: field.append(character)
            }
        }
        if quoted { throw MediaError(path: source, reason: "a quoted field is not closed") }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}

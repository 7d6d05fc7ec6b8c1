import Foundation

/// An article page scraped from Tempo.co as text (see shared/fixtures): headline, Reporter and
/// Editor fields, the lead image's caption with its credit, the dateline, body paragraphs, the wire
/// source, the editor's pick and the recommended articles. Ads and the login wall are dropped.
public struct TempoPage: Sendable, Equatable {
    public struct Related: Sendable, Equatable {
        public var title: String
        public var published: String
        public var summary: String
    }

    public var headline: String
    public var reporters: [String]
    public var editor: String?
    public var imageCaption: String?
    public var imageCredit: String?
    public var dateline: String?
    public var paragraphs: [String]
    public var wireSource: String?
    public var editorsPick: String?
    public var related: [Related]

    public var body: String { paragraphs.joined(separator: "\n\n") }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    static let noise: Set<String> = ["Iklan", "Scroll Untuk Melanjutkan", "image-gnews", "Video Pilihan"]

    public init(text: String) throws {
        let lines = Self.plainLines(text).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let reporterIndex = lines.firstIndex(of: "Reporter"),
              let editorIndex = lines[reporterIndex...].firstIndex(of: "Editor") else {
            throw ParseError(description: "This does not look like a Tempo.co article page: there is no \"Reporter\" / \"Editor\" block. Save the page as text and try again.")
        }
        guard let headline = lines[..<reporterIndex].last(where: { !$0.isEmpty }) else {
            throw ParseError(description: "No headline before the Reporter field.")
        }
        self.headline = headline
        self.reporters = lines[(reporterIndex + 1)..<editorIndex].filter { !$0.isEmpty }
        var index = editorIndex + 1
        while index < lines.count && lines[index].isEmpty { index += 1 }
        self.editor = index < lines.count ? lines[index] : nil
        index += 1

        // The lead image: caption and credit are one line, printed twice (alt text and caption).
        var caption: String?
        if let marker = lines[index...].firstIndex(of: "image-gnews") {
            if let line = lines[(marker + 1)...].first(where: { !$0.isEmpty }) { caption = line }
            index = marker + 1
        }
        if let caption {
            let (text, credit) = Self.splitCredit(caption)
            self.imageCaption = text
            self.imageCredit = credit
        } else {
            self.imageCaption = nil
            self.imageCredit = nil
        }

        // Body: from the dateline paragraph to the wire source line.
        guard let first = lines[index...].firstIndex(where: { $0.contains(" - ") && $0.uppercased().hasPrefix("TEMPO.CO") }) else {
            throw ParseError(description: "No dateline paragraph (\"TEMPO.CO, City - ...\") found.")
        }
        let firstLine = lines[first]
        let dash = firstLine.range(of: " - ")!
        self.dateline = String(firstLine[..<dash.lowerBound])
        var paragraphs = [String(firstLine[dash.upperBound...])]
        var cursor = first + 1
        var source: String?
        while cursor < lines.count {
            let line = lines[cursor]
            cursor += 1
            if line.isEmpty || Self.noise.contains(line) { continue }
            if Self.isWireSource(line) { source = line; break }
            if line.hasPrefix("Pilihan Editor") || line == "Rekomendasi Artikel" { cursor -= 1; break }
            paragraphs.append(line)
        }
        self.paragraphs = paragraphs
        self.wireSource = source

        let pickLine = lines[cursor...].first { $0.hasPrefix("Pilihan Editor") }
        self.editorsPick = pickLine.map { String($0.dropFirst("Pilihan Editor".count)).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }

        // Recommended articles: title, "3 jam lalu", image caption, title again, summary.
        var related: [Related] = []
        if let start = lines.firstIndex(of: "Rekomendasi Artikel") {
            let rest = Array(lines[start...]).filter { !$0.isEmpty }
            for (i, line) in rest.enumerated() where Self.isRelativeTime(line) && i > 0 {
                let title = rest[i - 1]
                var summary = ""
                if let repeatIndex = rest[(i + 1)...].prefix(4).firstIndex(of: title), repeatIndex + 1 < rest.count,
                   !Self.isRelativeTime(rest[repeatIndex + 1]) {
                    summary = rest[repeatIndex + 1]
                }
                related.append(Related(title: title, published: line, summary: summary))
            }
        }
        self.related = related
    }

    /// The page's text as plain lines. Scraped pages use no-break spaces around the dateline dash
    /// and tabs for layout: both read as spaces. Any other control character a copied page carries
    /// is dropped (newsroom stores none), and the Unicode line separators end lines.
    static func plainLines(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar.value {
            case 0x0A where previous == "\r": continue
            case 0x0A, 0x0D, 0x2028, 0x2029: scalars.append("\n")
            case 0x09, 0xA0: scalars.append(" ")
            case 0x00..<0x20, 0x7F...0x9F: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// "… 13 September 2023. Sputnik/Mikhail Metzel/Kremlin via REUTERS" → caption and credit.
    static func splitCredit(_ line: String) -> (String, String?) {
        guard let cut = line.range(of: ". ", options: .backwards) else { return (line, nil) }
        let credit = line[cut.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !credit.isEmpty, credit.count <= 120, !credit.hasSuffix(".") else { return (line, nil) }
        return (String(line[..<cut.lowerBound]) + ".", credit)
    }

    static func isWireSource(_ line: String) -> Bool {
        line.count <= 30 && line == line.uppercased() && line.rangeOfCharacter(from: .letters) != nil && !line.contains(".")
    }

    static func isRelativeTime(_ line: String) -> Bool {
        let parts = line.split(separator: " ")
        return parts.count == 3 && Int(parts[0]) != nil && ["detik", "menit", "jam", "hari", "minggu", "bulan"].contains(String(parts[1])) && parts[2] == "lalu"
    }
}

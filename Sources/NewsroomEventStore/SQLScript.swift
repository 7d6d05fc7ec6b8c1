/// Splits a SQL script into single statements, because postgres-nio sends one statement per query
/// (extended protocol). Understands quotes, quoted identifiers, dollar-quoted bodies and comments.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let chars = Array(script.unicodeScalars)
        var i = 0

        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty && !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
        }

        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            switch c {
            case "-" where next == "-":
                while i < chars.count && chars[i] != "\n" { current.unicodeScalars.append(chars[i]); i += 1 }
                continue
            case "/" where next == "*":
                var depth = 0
                repeat {
                    if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                        depth += 1; current += "/*"; i += 2; continue
                    }
                    if chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/" {
                        depth -= 1; current += "*/"; i += 2; continue
                    }
                    current.unicodeScalars.append(chars[i]); i += 1
                } while depth > 0 && i < chars.count
                continue
            case "'", "\"":
                current.unicodeScalars.append(c); i += 1
                while i < chars.count {
                    current.unicodeScalars.append(chars[i])
                    if chars[i] == c {
                        // A doubled quote is an escaped quote, not the end.
                        if i + 1 < chars.count && chars[i + 1] == c { current.unicodeScalars.append(c); i += 2; continue }
                        i += 1; break
                    }
                    i += 1
                }
                continue
            case "$":
                if let tag = dollarTag(chars, at: i) {
                    current += tag; i += tag.unicodeScalars.count
                    let tagScalars = Array(tag.unicodeScalars)
                    while i < chars.count {
                        if chars[i] == "$" && Array(chars[i..<min(chars.count, i + tagScalars.count)]) == tagScalars {
                            current += tag; i += tagScalars.count; break
                        }
                        current.unicodeScalars.append(chars[i]); i += 1
                    }
                    continue
                }
            case ";":
                flush(); i += 1
                continue
            default:
                break
            }
            current.unicodeScalars.append(c); i += 1
        }
        flush()
        return statements
    }

    /// `$$` or `$name$` starting at `index`, if that is what is there (and not a `$1` parameter).
    static func dollarTag(_ chars: [Unicode.Scalar], at index: Int) -> String? {
        var j = index + 1
        var tag = "$"
        while j < chars.count {
            let c = chars[j]
            if c == "$" { return tag + "$" }
            let isStart = j == index + 1
            guard c == "_" || c.properties.isAlphabetic || (!isStart && ("0"..."9").contains(c)) else { return nil }
            tag.unicodeScalars.append(c); j += 1
        }
        return nil
    }

    static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

import Foundation

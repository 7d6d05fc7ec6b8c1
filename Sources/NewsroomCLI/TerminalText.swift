import Foundation

/// Text for a person, printed as `print` would, with control characters made visible. The
/// deciders refuse control characters, but the log can still hold them: written before that
/// rule, or brought in by `import archive`, which keeps history as it was. Printed raw, an escape
/// sequence in a headline would act on the terminal of whoever runs `show`, `history`, `list` or
/// `audit` (retitle the window, clear the screen, hide text); shown as a symbol it is only text.
/// `--json` output is exact and needs none of this: JSON escapes every control character.
func printText(_ text: String) {
    StandardOutput.write(Data((TerminalText.visible(text) + "\n").utf8))
}

enum TerminalText {
    /// `text` with each control character but a line feed and a tab replaced by its Unicode
    /// control picture (ESC by ␛, a lone carriage return by ␍, DEL by ␡) and each C1 control by
    /// U+FFFD. A carriage return before a line feed is a Windows line end and is dropped.
    static func visible(_ text: String) -> String {
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x0A && $0 != 0x09) || $0 == 0x7F || $0 == 0xC2 }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x0D where index + 1 < scalars.count && scalars[index + 1] == "\n": continue
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80...0x9F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

import ArgumentParser
import Foundation

/// How newsroom ends on a usage error, which ArgumentParser would report in ways a person or a
/// program cannot rely on: a `ValidationError` thrown by a command's `run()` came with the usage
/// of `newsroom` itself ("newsroom <subcommand>") instead of the command's, a mistyped command
/// read as "2 unexpected arguments", and `--json` got plain text on standard error like any
/// other. Here a usage error names the command it is about (or the one meant), and with `--json`
/// it is the same error object every other failure prints.
enum UsageFailure {
    static let exitCode: Int32 = 64

    /// `--json` among the arguments, before a `--` that ends the options.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }

    static func exit(_ error: any Error, command: any ParsableCommand.Type, json: Bool, arguments: [String] = []) -> Never {
        let code = NewsroomCommand.exitCode(for: error).rawValue
        if code == exitCode, let unknown = unknownCommand(in: arguments) {
            exit(ValidationError(unknown.message), command: unknown.parent, json: json)
        }
        if let validation = error as? ValidationError {
            if json { exitAsJSON(validation.message) }
            let usage = NewsroomCommand.usageString(for: command)
            let help = (commandPath(to: command) ?? ["newsroom"]).joined(separator: " ") + " --help"
            StandardOutput.error(Data("Error: \(TerminalText.visible(validation.message))\nUsage: \(usage)\n  See '\(help)' for more information.\n".utf8))
            Foundation.exit(exitCode)
        }
        if json && code == exitCode { exitAsJSON(NewsroomCommand.message(for: error)) }
        NewsroomCommand.exit(withError: error)
    }

    private static func exitAsJSON(_ message: String) -> Never {
        let object: [String: Any] = ["error": ["kind": "usage", "message": message, "exitCode": Int(exitCode)]]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            StandardOutput.write(data + Data("\n".utf8))
        }
        Foundation.exit(exitCode)
    }

    /// A word where a command name belongs that names none ("newsroom publsh x" reads to
    /// ArgumentParser as two unexpected arguments), with the nearest name, if one is near.
    static func unknownCommand(in arguments: [String]) -> (parent: any ParsableCommand.Type, message: String)? {
        var current: any ParsableCommand.Type = NewsroomCommand.self
        for word in arguments {
            let children = current.configuration.subcommands
            guard !children.isEmpty, !word.hasPrefix("-") else { return nil }
            if let child = children.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) {
                current = child
                continue
            }
            var names: [String] = []
            for child in children { names.append(child._commandName) }
            let path = (commandPath(to: current) ?? ["newsroom"]).joined(separator: " ")
            var nearest: (name: String, distance: Int)?
            for name in names {
                let distance = editDistance(name, word)
                let close = distance <= 2 || (name.count >= 3 && word.contains(name)) || (word.count >= 3 && name.hasPrefix(word))
                if close, distance < (nearest?.distance ?? Int.max) { nearest = (name, distance) }
            }
            let guess = nearest.map { " Did you mean `\(path) \($0.name)`?" } ?? ""
            return (current, "\(path) has no command \"\(word.prefix(60))\".\(guess) Commands: \(names.joined(separator: ", ")).")
        }
        return nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }

    /// The names from `newsroom` down to `command`, e.g. newsroom staff add.
    static func commandPath(to command: any ParsableCommand.Type, from root: any ParsableCommand.Type = NewsroomCommand.self) -> [String]? {
        if root == command { return [root._commandName] }
        for child in root.configuration.subcommands {
            if let path = commandPath(to: command, from: child) { return [root._commandName] + path }
        }
        return nil
    }
}

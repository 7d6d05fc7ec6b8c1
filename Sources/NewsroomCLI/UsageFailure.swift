import ArgumentParser
import Foundation

/// How newsroom ends on a usage error, which ArgumentParser would report in two ways a person or a
/// program cannot rely on: a `ValidationError` thrown by a command's `run()` came with the usage
/// of `newsroom` itself ("newsroom <subcommand>") instead of the command's, and `--json` got
/// plain text on standard error like any other. Here a usage error names the command it is
/// about, and with `--json` it is the same error object every other failure prints.
enum UsageFailure {
    static let exitCode: Int32 = 64

    /// `--json` among the arguments, before a `--` that ends the options.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }

    static func exit(_ error: any Error, command: any ParsableCommand.Type, json: Bool) -> Never {
        let code = NewsroomCommand.exitCode(for: error).rawValue
        if let validation = error as? ValidationError {
            if json { exitAsJSON(validation.message) }
            let usage = NewsroomCommand.usageString(for: command)
            let help = (commandPath(to: command) ?? ["newsroom"]).joined(separator: " ") + " --help"
            FileHandle.standardError.write(Data("Error: \(TerminalText.visible(validation.message))\nUsage: \(usage)\n  See '\(help)' for more information.\n".utf8))
            Foundation.exit(exitCode)
        }
        if json && code == exitCode { exitAsJSON(NewsroomCommand.message(for: error)) }
        NewsroomCommand.exit(withError: error)
    }

    private static func exitAsJSON(_ message: String) -> Never {
        let object: [String: Any] = ["error": ["kind": "usage", "message": message, "exitCode": Int(exitCode)]]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
        Foundation.exit(exitCode)
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

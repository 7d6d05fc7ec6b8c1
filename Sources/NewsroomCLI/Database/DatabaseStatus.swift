import ArgumentParser
import Foundation
import NewsroomEventStore

struct DatabaseStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Say which database newsroom uses and whether it is up.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let env = ProcessInfo.processInfo.environment
            if let settings = try ConnectionSettings.fromEnvironment(env, user: connection.user) {
                let database = Database(settings: settings)
                let version = try await database.serverVersion()
                emit(["mode": "server", "target": settings.displayName, "running": true, "server": version])
                return
            }
            let cluster = try LocalCluster(directory: connection.dataDir.map { URL(fileURLWithPath: $0) })
            let running = cluster.isRunning
            var status: [String: Any] = ["mode": "local", "dataDirectory": cluster.dataDirectory.path,
                                         "initialized": cluster.isInitialized, "running": running,
                                         "socket": cluster.socketPath]
            if running {
                let database = Database(settings: cluster.settings(user: connection.user), localCluster: cluster)
                status["server"] = try await database.serverVersion()
            }
            emit(status)
            if !running { throw ExitCode(Exit.unavailable) }
        }
    }

    func emit(_ status: [String: Any]) {
        if connection.json { printJSON(status); return }
        if status["mode"] as? String == "server" {
            printText("server: \(status["target"]!) — up (\(status["server"]!))")
        } else {
            let running = status["running"] as? Bool == true
            printText("local database: \(status["dataDirectory"]!)")
            printText("  state: \(running ? "running" : (status["initialized"] as? Bool == true ? "stopped (start it with `newsroom db start`)" : "not created yet (`newsroom db start` creates it)"))")
            if running { printText("  socket: \(status["socket"]!)\n  server: \(status["server"]!)") }
        }
    }
}

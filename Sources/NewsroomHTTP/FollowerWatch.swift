import Logging
import NewsroomProjections
import ServiceLifecycle

/// A server started without `--with-projector` serves only what another process projects. Started
/// alone, its site would never change, and nothing would say why: this says so in the log when
/// the server starts, and again whenever the follower goes away or comes back.
struct FollowerWatch: Service {
    let readModels: ReadModels
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var wasRunning: Bool?
            while !Task.isCancelled {
                // An unreachable database is /healthz's to report; the watch looks again later.
                if let lag = try? await readModels.lag() {
                    if !lag.followerRunning, wasRunning != false {
                        let published = lag.projections.first { $0.projection == "published" }
                        logger.warning("""
                            no follower is keeping the read models current: what is published from now on reaches this API only when a \
                            command catches the models up. Run `newsroom projections run` beside this server, or restart it with --with-projector.
                            """, metadata: ["published.lagEvents": "\(published?.events ?? 0)"])
                    } else if lag.followerRunning, wasRunning == false {
                        logger.notice("a follower is keeping the read models current again")
                    }
                    wasRunning = lag.followerRunning
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

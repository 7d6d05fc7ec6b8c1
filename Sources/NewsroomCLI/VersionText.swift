import Foundation
import NewsroomEventStore

/// What `newsroom --version` prints: the program's version and the log schema this build would
/// migrate a database to, the two things a bug report or an upgrade needs to name.
enum VersionText {
    static let release = "0.1.0"

    /// ArgumentParser reads this on every run, to parse, so it reads no migration file.
    static var text: String {
        guard let directory = try? Migrator.locateSchemaDirectory(), let last = Migrator.latestVersion(in: directory) else {
            return "newsroom \(release) (no migrations found: run it from its checkout or set NEWSROOM_SCHEMA_DIR to the Schema folder)"
        }
        return "newsroom \(release) (log schema \(String(format: "%03d", last)), from \(directory.path))"
    }
}

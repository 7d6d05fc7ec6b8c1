import Foundation
import NewsroomEventStore

/// What `newsroom --version` prints: the program's version and the log schema this build would
/// migrate a database to, the two things a bug report or an upgrade needs to name.
enum VersionText {
    static let release = "0.1.0"

    /// ArgumentParser reads this on every run, to parse, so it lists the folder's names and
    /// reads no file.
    static var text: String {
        guard let directory = try? Migrator.locateSchemaDirectory(),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path),
              let last = names.filter({ $0.hasSuffix(".sql") }).compactMap({ Int($0.prefix { $0.isNumber }) }).max()
        else { return "newsroom \(release) (no migrations found: run it from its checkout or set NEWSROOM_SCHEMA_DIR to the Schema folder)" }
        return "newsroom \(release) (log schema \(String(format: "%03d", last)), from \(directory.path))"
    }
}

import ArgumentParser
import Foundation
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomHTTP
import NewsroomProjections

/// The distinct exit codes listed in `newsroom --help`.
enum Exit {
    static let tampered: Int32 = 1
    static let ruleViolation: Int32 = 65
    static let notFound: Int32 = 66
    static let unavailable: Int32 = 69
    static let internalError: Int32 = 70
    static let conflict: Int32 = 75
    static let notPermitted: Int32 = 77
}

/// Prints an error the way a person (or, with --json, a program) can act on, and picks the exit code.
func report(_ error: any Error, json: Bool) -> ExitCode {
    let (code, kind, message): (Int32, String, String) = classify(error)
    if json {
        let object: [String: Any] = ["error": ["kind": kind, "message": message, "exitCode": Int(code)]]
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            StandardOutput.write(data + Data("\n".utf8))
        }
    } else {
        StandardOutput.error(Data("newsroom: \(TerminalText.visible(message))\n".utf8))
    }
    return ExitCode(code)
}

func classify(_ error: any Error) -> (Int32, String, String) {
    switch error {
    case let violation as RuleViolation:
        switch violation.code {
        case .notFound: return (Exit.notFound, "not-found", violation.message)
        case .notAllowed: return (Exit.notPermitted, "not-permitted", violation.message)
        default: return (Exit.ruleViolation, violation.code.rawValue, violation.message)
        }
    case let store as EventStoreError:
        switch store.code {
        case .conflict: return (Exit.conflict, "conflict", store.message)
        case .streamExists: return (Exit.conflict, "already-in-log", store.message)
        case .commandReused: return (Exit.conflict, "command-reused", store.message)
        case .databaseUnavailable: return (Exit.unavailable, "database-unavailable", store.message)
        case .notPermitted, .forgedActor: return (Exit.notPermitted, "not-permitted", store.message)
        default: return (Exit.internalError, store.code.description, store.message)
        }
    case let missing as ArticleNotFound:
        return (Exit.notFound, "not-found", missing.description)
    case let archive as ArchiveError:
        return (Exit.ruleViolation, "invalid-archive", archive.description)
    case let invalid as TempoPage.ParseError:
        return (Exit.ruleViolation, "invalid-input", invalid.description)
    case let projection as ProjectionRunner.Failure:
        return projection.isTemporary ? (Exit.conflict, "try-again", projection.description) : (Exit.ruleViolation, "read-model", projection.description)
    case let listen as ListenFailure:
        return listen.isBadAddress ? (UsageFailure.exitCode, "usage", listen.description) : (Exit.unavailable, "address-unavailable", listen.description)
    case let decoding as EventDecodingError:
        return (Exit.internalError, "unreadable-event", decoding.description)
    default:
        // A database error some path did not translate (e.g. a reporter running projections
        // rebuild) still gets its meaning and exit code, not PostgresNIO's "Generic description".
        if let translated = EventStoreError.from(error) as? EventStoreError { return classify(translated) }
        return (Exit.internalError, "internal", "unexpected error: \(error)")
    }
}

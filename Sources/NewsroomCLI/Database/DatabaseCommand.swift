import ArgumentParser

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: the embedded local cluster and the schema.",
        discussion: """
            With no DATABASE_URL or PGHOST/PGPORT/PGDATABASE, newsroom keeps its own PostgreSQL in a data \
            folder: NEWSROOM_DATA_DIR or --data-dir, else ~/.local/share/newsroom (/var/lib/newsroom for root). \
            It listens only on a Unix socket in that folder. As root, the server runs as the `postgres` \
            account (NEWSROOM_SERVER_USER to change), because PostgreSQL refuses to run as root.
            """,
        subcommands: [StartDatabase.self, StopDatabase.self, DatabaseStatus.self, DatabaseURL.self, Migrate.self]
    )
}

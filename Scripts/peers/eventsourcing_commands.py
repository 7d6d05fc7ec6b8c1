"""The command workload of Scripts/bench row 1, through the Python `eventsourcing` library
(https://pypi.org/project/eventsourcing/) on the same PostgreSQL: per writer, articles of about 20
events (a draft with a 3-8 KB body, then summary edits), each command loading the aggregate,
deciding and saving with a durable commit. Aggregates are cached, as newsroom caches states.
Usage: python eventsourcing_commands.py SECONDS WRITERS   (PG* environment names the database)
Prints one JSON object like newsroom-bench."""
import json, multiprocessing, os, sys, time, uuid

PARAGRAPH = ("Presiden Rusia Vladimir Putin menerima undangan Kim Jong Un untuk mengunjungi Korea Utara, "
             "sehingga memicu kekhawatiran Amerika Serikat bahwa kebangkitan poros Moskow-Pyongyang dapat "
             "memperkuat militer Rusia di Ukraina. ")


def configure(create_table):
    os.environ.update({
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": os.environ.get("PGDATABASE", "bench"),
        "POSTGRES_HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "POSTGRES_PORT": os.environ.get("PGPORT", "5432"),
        "POSTGRES_USER": os.environ.get("PGUSER", "postgres"),
        "POSTGRES_PASSWORD": os.environ.get("PGPASSWORD", "unused-with-trust"),
        "CREATE_TABLE": "y" if create_table else "n",
        "AGGREGATE_CACHE_MAXSIZE": "10000",
    })


def application():
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Article(Aggregate):
        @event("Drafted")
        def __init__(self, headline, body):
            self.headline, self.body, self.summary = headline, body, ""

        @event("Edited")
        def edit(self, summary):
            self.summary = summary

    class PeerNewsroom(Application):
        def draft(self, headline, body):
            article = Article(headline, body)
            self.save(article)
            return article.id

        def edit(self, article_id, summary):
            article = self.repository.get(article_id)
            article.edit(summary)
            self.save(article)

    return PeerNewsroom()


def writer(seconds, results):
    # The parent created the table; concurrent CREATE TABLE IF NOT EXISTS races in PostgreSQL.
    configure(create_table=False)
    app = application()
    deadline = time.monotonic() + seconds
    done, article_id = 0, None
    while time.monotonic() < deadline:
        if done % 20 == 0:
            article_id = app.draft(f"Bench {uuid.uuid4()}", PARAGRAPH * (14 + done % 22))
        else:
            app.edit(article_id, f"Ringkasan {done}")
        done += 1
    results.put(done)


if __name__ == "__main__":
    seconds, writers = float(sys.argv[1]), int(sys.argv[2])
    configure(create_table=True)
    application()
    results = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=writer, args=(seconds, results)) for _ in range(writers)]
    for process in processes:
        process.start()
    total = sum(results.get(timeout=seconds + 120) for _ in processes)
    for process in processes:
        process.join()
    print(json.dumps({"path": "eventsourcing-commands", "writers": writers, "seconds": seconds, "commands": total, "perSecond": total / seconds}))

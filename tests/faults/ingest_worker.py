"""Child process for the kill -9 test: ingests the given files one by one, printing ACK <hash> after each commit, DONE at the end."""

from __future__ import annotations

import sys
from pathlib import Path

from newsdigest.ingest.dedupe import content_hash
from newsdigest.ingest.files import read_article
from newsdigest.ingest.pipeline import ingest_article
from newsdigest.store.store import Store


def main(db: str, folder: str) -> None:
    store = Store(db)
    for path in sorted(Path(folder).glob("*.txt")):
        inp = read_article(path)
        ingest_article(store, inp)  # returns only after COMMIT
        sys.stdout.write(f"ACK {content_hash(inp.text)}\n")
        sys.stdout.flush()
    sys.stdout.write("DONE\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""`make bench-review`: how long the review editor takes to show a locale and to save an entry.

On the sample posts (pseudo-translated), through the editor's own Flask app and
save path: the median of a few page loads of /ko/, and of saves of the largest
catalog's entries, each from the page as first loaded (so every save after the
first re-reads the file and merges per entry). Not a timed test: it prints numbers.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from pipeline import project, review, review_editor
from pipeline.config import load
from pipeline.review_server import Session, create_app

REPO = Path(__file__).resolve().parent.parent
PAGE_LOADS = 5
SAVES = 20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "source", root / "source")
        shutil.copy(REPO / "postlingo.toml", root / "postlingo.toml")
        config = load(root)
        docs = project.load_documents(config)
        project.translate(config, docs, engine="pseudo")
        client = create_app(Session(config, port=8765)).test_client()
        loads = []
        for _ in range(PAGE_LOADS):
            start = time.perf_counter()
            assert client.get("/ko/", base_url="http://127.0.0.1:8765").status_code == 200
            loads.append(time.perf_counter() - start)
        page = review.locale_page(config, docs, [], "ko", everything=True)
        post = max(page.posts, key=lambda p: len(p.items))
        saves = []
        for item in post.items[:SAVES]:
            state = review_editor.item_state(item)
            edit = review_editor.Edit(
                "ko", post.slug, item.source, f"{item.source} (검토)", post.version, state
            )
            start = time.perf_counter()
            review_editor.save(config, edit)
            saves.append(time.perf_counter() - start)
        print(f"review editor on {post.path} ({len(post.items)} entries):")
        print(f"  page /ko/: median {statistics.median(loads) * 1000:.0f} ms of {len(loads)}")
        print(f"  save: median {statistics.median(saves) * 1000:.0f} ms of {len(saves)}")


if __name__ == "__main__":
    main()

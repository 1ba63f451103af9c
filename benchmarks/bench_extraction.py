"""Extraction speed: a 2,000-word description read by the rules extractor (issue target < 300 ms).

Run: `python benchmarks/bench_extraction.py`. The description is built from the development
set's descriptions, repeated to 2,000 words, so it mixes prose, lists and structure.
"""

from __future__ import annotations

import statistics
import time

from assistant.engine.analyze import system_from_description
from assistant.engine.reading.text import normalise
from assistant.evals.extraction import default_dir, load_set


def main() -> None:
    texts = [c.description for c in load_set(default_dir() / "dev")]
    words: list[str] = []
    paragraphs: list[str] = []
    while len(words) < 2000:
        for text in texts:
            paragraphs.append(text)
            words += text.split()
            if len(words) >= 2000:
                break
    description = "\n\n".join(paragraphs)
    system_from_description("warm-up: an agent with a tool")
    runs = []
    for _ in range(5):
        normalise.cache_clear()  # every run reads the text afresh, as a new description would
        start = time.perf_counter()
        system_from_description(description)
        runs.append(time.perf_counter() - start)
    print(
        f"extraction of {len(description.split())} words: median {statistics.median(runs) * 1000:.0f} ms, "
        f"max {max(runs) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

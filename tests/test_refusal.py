"""The refusal model: fitted weights that separate, stored as JSON, applied to an answer's signals."""

import json

from rag.answer.refusal import WEIGHTS_FILE, RefusalModel, fit, refusal_model


def test_fit_learns_a_threshold_that_separates_the_rows():
    rows = [({"coverage": c / 20}, c / 20 >= 0.5) for c in range(21)]
    model = fit(rows, ("coverage",))
    assert model.weights["coverage"] > 0
    assert model.answers({"coverage": 0.9}) and not model.answers({"coverage": 0.1})


def test_stored_weights_are_json_for_both_kinds_of_index():
    stored = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert {"dense", "lexical"} <= set(stored)
    for with_dense in (True, False):
        model = refusal_model(with_dense)
        assert isinstance(model, RefusalModel) and "coverage" in model.weights
        # More of the question's words found never makes an answer less likely.
        assert model.probability({"coverage": 1.0, "dense": 0.9}) > model.probability({"coverage": 0.1, "dense": 0.9})


def test_a_refused_answer_carries_the_signals_it_was_refused_on():
    from rag.answer.extractive import ExtractiveAnswerer
    from rag.documents import Chunk, Hit

    text = "县里投入资金300万元，培训教师1200名。"
    chunk = Chunk(id="x#1", doc_id="x.txt", text=text, start=0, end=len(text), title="", raw=text)
    never = RefusalModel(bias=-60.0, weights={})
    idf = lambda token: 9.0 if token == "\uffff\uffff" else 1.0  # the sentinel stands for an unseen word
    answer = ExtractiveAnswerer(idf, refusal=never).answer("县里投入了多少资金？", [Hit(chunk, 1.0)])
    assert not answer.answerable and answer.signals["coverage"] > 0.5


def _fit_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "fit_refusal.py"
    spec = importlib.util.spec_from_file_location("fit_refusal", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_leave_one_set_out_judges_each_set_by_a_model_fitted_on_the_others():
    script = _fit_script()
    rows = [{"set": name, "mode": "hybrid", "answerable": i % 3 != 0,
             "signals": {"coverage": (i % 3 != 0) * 0.8 + 0.1, "typed": 1.0}}
            for name in ("a", "b", "c") for i in range(30)]
    by_threshold = script.leave_one_set_out(rows, ("coverage",))
    assert set(by_threshold) == set(script.THRESHOLDS)
    # Separable by coverage: every set is refused and answered right by the other sets' model.
    figures = by_threshold[0.5]
    assert all(figures[name]["refusal_accuracy"] == 1.0 and figures[name]["false_refusal_rate"] == 0.0
               for name in ("a", "b", "c"))
    assert figures["all"]["n"] == 90 and script.error_of(figures) == 0.0
    model = script.choose(rows, ("coverage", "typed"), "test")
    assert model.threshold in script.THRESHOLDS and model.answers({"coverage": 0.9, "typed": 1.0})

"""The learned sentence ranker: its features, its fitting, its weights file, and the answerer using it.

Sentences are made up here, not taken from the seed articles or the CRUD questions.
"""

import json
import math

import pytest

from rag.answer.extractive import ExtractiveAnswerer
from rag.answer.question import analyse
from rag.answer.ranker import (FEATURES, OPTIONAL_FEATURES, OptionText, SentenceRanker, fit_listwise, load_ranker,
                               option_features)
from rag.documents import Chunk, Hit


def _chunk(text: str, n: int = 1) -> Chunk:
    return Chunk(id=f"x#{n}", doc_id=f"x{n}.txt", text=text, start=0, end=len(text), title="", raw=text)


def _idf(token: str) -> float:
    return 9.0 if token == "\uffff\uffff" else {"培训": 2.0, "教师": 2.0}.get(token, 1.0)


def _option(**changes) -> OptionText:
    values = dict(sentence="县里培训教师1200名。", previous="", following="", passage="县里培训教师1200名。",
                  sentence_index=0, sentence_count=1, answer="1200名", answer_start=6, gap=(6, 11),
                  coverage=0.8, best_coverage=0.8, type_bonus=0.2, named_share=1.0, hit_rank=1,
                  hit_score_ratio=1.0, unit_match=True, votes=0)
    values.update(changes)
    return OptionText(**values)


def test_every_feature_is_computed_and_finite():
    features = option_features("县里一共培训了多少名教师？", {"培训": 2.0, "教师": 2.0, "县里": 1.0}, _option(),
                               lambda text, word: word in text)
    # Without vectors in the index (BM25 only) the dense features are absent, not zero.
    assert set(features) == set(FEATURES) - OPTIONAL_FEATURES
    assert all(math.isfinite(v) for v in features.values())
    assert features["sentence_share"] == pytest.approx(1.0)
    assert features["answer_unit_match"] == 1.0 and features["answer_in_gap"] == 1.0


def test_the_answerer_gives_the_option_the_ranker_scores_highest():
    question = analyse("县里一共培训了多少名教师？")
    hits = [Hit(_chunk("县里培训教师1200名。", 1), 2.0), Hit(_chunk("去年县里培训教师800名。", 2), 1.0)]
    plain = ExtractiveAnswerer(_idf, min_coverage=0.2)
    assert plain.answer(question, hits).short == "1200名"
    # A ranker that prefers the lower-ranked passage decides the answer: the ranker is in control.
    later = SentenceRanker({"hit_reciprocal_rank": -1.0}, {}, {})
    ranked = ExtractiveAnswerer(_idf, min_coverage=0.2, ranker=later)
    options = ranked.options(question, ranked._candidates(question, hits), hits)
    assert len(options) == 2 and all(set(o.features) == set(FEATURES) - OPTIONAL_FEATURES for o in options)
    assert ranked.answer(question, hits).short == "800名"


def test_a_fitted_ranker_puts_the_option_with_the_asked_unit_first():
    # Right options carry the unit asked; wrong ones have more of the question's words but not the unit.
    groups = []
    for i in range(12):
        right = {"answer_unit_match": 1.0, "sentence_share": 0.5 + 0.01 * i}
        wrong = {"answer_unit_match": 0.0, "sentence_share": 0.7 + 0.01 * i}
        groups.append(([wrong, right], [False, True]))
    ranker = fit_listwise(groups, ("answer_unit_match", "sentence_share"), steps=500)
    with_unit = {"answer_unit_match": 1.0, "sentence_share": 0.6}
    without = {"answer_unit_match": 0.0, "sentence_share": 0.8}
    assert ranker.score(with_unit) > ranker.score(without)


def test_fitting_needs_a_question_with_a_right_and_a_wrong_option():
    with pytest.raises(ValueError):
        fit_listwise([([{"coverage": 1.0}], [True])], ("coverage",))


def test_weights_round_trip_through_json(tmp_path):
    ranker = SentenceRanker({"coverage": 1.5, "answer_votes": -0.25}, {"coverage": 0.5}, {"coverage": 0.2})
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(ranker.to_json()), encoding="utf-8")
    loaded = load_ranker(path)
    assert loaded == ranker
    assert loaded.score({"coverage": 0.7, "answer_votes": 1.0}) == pytest.approx(1.5 * (0.7 - 0.5) / 0.2 - 0.25)


@pytest.mark.parametrize("content", [
    "{not json",
    json.dumps({"weights": {"coverage": 1.0}}),  # no mean or scale
    json.dumps({"weights": {"no_such_feature": 1.0}, "mean": {}, "scale": {}}),
    json.dumps({"weights": {"coverage": "NaN"}, "mean": {}, "scale": {}}),
    json.dumps([1, 2, 3]),
])
def test_a_damaged_weights_file_falls_back_with_one_warning_line(tmp_path, capsys, content):
    path = tmp_path / "ranker.json"
    path.write_text(content, encoding="utf-8")
    assert load_ranker(path) is None
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "hand-weighted" in lines[0] and "Traceback" not in lines[0]


def test_a_missing_weights_file_falls_back(tmp_path, capsys):
    assert load_ranker(tmp_path / "absent.json") is None
    assert "unreadable" in capsys.readouterr().err


def test_the_passage_similarity_the_index_holds_is_a_feature_relative_to_the_best_option():
    features = option_features("县里一共培训了多少名教师？", {"培训": 2.0, "教师": 2.0}, _option(passage_dense=0.81, best_passage_dense=0.86),
                               lambda text, word: word in text)
    assert set(features) == set(FEATURES)
    assert features["passage_dense"] == pytest.approx(0.81) and features["passage_dense_gap"] == pytest.approx(-0.05)


def test_the_answerer_reads_passage_similarity_for_the_options_passages():
    question = analyse("县里一共培训了多少名教师？")
    hits = [Hit(_chunk("县里培训教师1200名。", 1), 2.0), Hit(_chunk("去年县里培训教师800名。", 2), 1.0)]
    asked = []

    def similarity(text, chunk_ids):
        asked.append((text, list(chunk_ids)))
        return [0.9 if chunk_id == "x#2" else 0.7 for chunk_id in chunk_ids]

    answerer = ExtractiveAnswerer(_idf, min_coverage=0.2, passage_similarity=similarity)
    options = answerer.options(question, answerer._candidates(question, hits), hits)
    assert asked == [("县里一共培训了多少名教师？", ["x#1", "x#2"])]  # one call, each passage once
    by_answer = {o.answer: o.features for o in options}
    assert by_answer["800名"]["passage_dense_gap"] == 0.0 and by_answer["1200名"]["passage_dense_gap"] == pytest.approx(-0.2)
    # A ranker that weighs the similarity answers from the passage closest in meaning.
    dense = ExtractiveAnswerer(_idf, min_coverage=0.2, passage_similarity=similarity,
                               ranker=SentenceRanker({"passage_dense": 1.0}, {"passage_dense": 0.8}, {"passage_dense": 0.1}))
    assert dense.answer(question, hits).short == "800名"


def test_a_missing_optional_feature_scores_as_its_mean():
    ranker = SentenceRanker({"passage_dense": 2.0, "coverage": 1.0}, {"passage_dense": 0.8, "coverage": 0.5},
                            {"passage_dense": 0.1, "coverage": 0.25})
    assert ranker.score({"coverage": 0.75}) == pytest.approx(1.0)  # no passage_dense: no contribution
    assert ranker.score({"coverage": 0.75, "passage_dense": 0.9}) == pytest.approx(3.0)


def test_fitting_fills_a_missing_feature_with_the_mean_of_the_options_that_have_it():
    # Half the questions come from an index without vectors: their options lack passage_dense.
    groups = []
    for i in range(10):
        groups.append(([{"passage_dense": 0.9, "coverage": 0.5}, {"passage_dense": 0.6, "coverage": 0.5}], [True, False]))
        groups.append(([{"coverage": 0.4 + 0.01 * i}, {"coverage": 0.6}], [True, False]))
    ranker = fit_listwise(groups, ("passage_dense", "coverage"), steps=500)
    assert ranker.mean["passage_dense"] == pytest.approx(0.75)
    assert ranker.weights["passage_dense"] > 0 and ranker.weights["coverage"] < 0


def test_the_distance_from_the_answer_to_the_questions_rarest_word():
    # The two rarest words (培训, 县里) right before the answer, or eight characters from it at the nearest.
    weights = {"培训": 3.0, "县里": 1.0}
    near = option_features("县里培训多少人？", weights, _option(sentence="县里今年培训1200人。", answer="1200人", answer_start=6),
                           lambda text, word: word in text)
    far = option_features("县里培训多少人？", weights,
                          _option(sentence="培训工作在县里展开后，今年共有1200人。", answer="1200人", answer_start=15),
                          lambda text, word: word in text)
    assert near["rarest_distance"] == 0.0 and far["rarest_distance"] == pytest.approx(math.log1p(8))
    assert near["rarest_share"] == 1.0

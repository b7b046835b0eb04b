"""The human-readable side of an eval run: report.md and chart.png."""

from __future__ import annotations

from pathlib import Path

HEADLINE = [
    ("retrieval", "recall@1"), ("retrieval", "recall@5"), ("retrieval", "recall@10"), ("retrieval", "mrr@10"),
    ("retrieval", "ndcg@10"), ("answer", "short_accuracy"), ("answer", "supported_rate"), ("answer", "fact_recall"), ("citations", "valid_rate"),
    ("refusal", "accuracy"), ("refusal", "false_refusal_rate"), ("latency_ms", "p50"), ("latency_ms", "p95"),
]
KIND_COLUMNS = ["n", "short_accuracy", "supported_rate", "recall@5", "refusal_accuracy", "false_refusal_rate"]


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_report(out: Path, results, metrics: dict, settings: dict) -> None:
    lines = ["# Eval report", ""]
    lines.append(" · ".join(f"{k}: `{v}`" for k, v in settings.items() if not isinstance(v, dict)))
    lines += ["", f"{metrics['n']} questions.", "", "| metric | value |", "|---|---|"]
    for group, key in HEADLINE:
        lines.append(f"| {group}.{key} | {_fmt(metrics.get(group, {}).get(key))} |")
    if "by_kind" in metrics:
        lines += ["", "## By kind", "", "| kind | " + " | ".join(KIND_COLUMNS) + " |",
                  "|---" * (len(KIND_COLUMNS) + 1) + "|"]
        for kind, row in metrics["by_kind"].items():
            lines.append(f"| {kind} | " + " | ".join(_fmt(row.get(c)) for c in KIND_COLUMNS) + " |")
    if _chart(out / "chart.png", metrics):
        lines += ["", "![metrics by kind](chart.png)"]
    failures = [r for r in results if not all(r.checks.values())]
    if failures:
        lines += ["", f"## Failed checks ({len(failures)})", "", "| id | kind | failed | short answer | answer |",
                  "|---|---|---|---|---|"]
        for r in failures[:60]:
            failed = ", ".join(k for k, ok in r.checks.items() if not ok)
            short, answer = (t.replace("|", "\\|").replace("\n", " ") for t in (r.short[:40], r.answer[:90]))
            lines.append(f"| {r.id} | {r.kind} | {failed} | {short} | {answer} |")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _chart(path: Path, metrics: dict) -> bool:
    """Grouped bars of the headline rates, overall and per kind."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    groups = {"all": {
        "short_accuracy": metrics["answer"]["short_accuracy"],
        "recall@5": metrics["retrieval"]["recall@5"],
        "refusal_accuracy": metrics["refusal"]["accuracy"],
        "citation_valid": metrics["citations"]["valid_rate"],
    }}
    for kind, row in metrics.get("by_kind", {}).items():
        groups[kind] = {"short_accuracy": row["short_accuracy"], "recall@5": row["recall@5"],
                        "refusal_accuracy": row["refusal_accuracy"]}
    series = ["short_accuracy", "recall@5", "refusal_accuracy", "citation_valid"]
    figure, axes = plt.subplots(figsize=(max(6, 1.3 * len(groups)), 3.6), dpi=110)
    width = 0.8 / len(series)
    for i, name in enumerate(series):
        xs = [g + i * width for g in range(len(groups))]
        ys = [groups[g].get(name) for g in groups]
        axes.bar([x for x, y in zip(xs, ys) if y is not None], [y for y in ys if y is not None], width, label=name)
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))], list(groups), rotation=20, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("share")
    axes.legend(fontsize=7, ncols=4, loc="upper center", bbox_to_anchor=(0.5, 1.18))
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


def compare_table(runs: dict[str, dict]) -> str:
    """A markdown table of the headline metrics, one column per run."""
    names = list(runs)
    lines = ["| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for group, key in HEADLINE:
        lines.append(f"| {group}.{key} | " + " | ".join(_fmt(runs[n].get(group, {}).get(key)) for n in names) + " |")
    return "\n".join(lines)

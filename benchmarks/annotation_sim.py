"""How much annotation the model in the loop saves: a simulated annotator on UD English-EWT (a script, not a test).

The annotator has EWT train's gold tags as its answers and starts with nothing tagged.
Each round it annotates a batch (the first in corpus order, 20 sentences, later rounds
10% of what is tagged), the model is retrained as the loop retrains it (warm start,
``ml.schedule.scaled_config``) and dev accuracy is measured (``tagger_gui/ml/simulate.py``).
Strategies, in one run: in order (which gives both "from scratch", no pre-annotation,
and "pre-annotated": they choose the same sentences), random, and the uncertainty
strategy (``--uncertainty``, with ``--diversity`` its batch-diversity rule). A strategy
stops at the target (C - 1, C = the default preset's full-data dev accuracy, 95.1 unless
``--full-accuracy`` says otherwise) or at 60% of the train tokens. Costs: tokens, key
presses under the tag editor's bindings, and Ringger et al. (2008) modelled seconds.
For the best strategy a fresh model is trained from scratch on its chosen sentences.
It also times one loop retrain (warm start) on the first 2,000 train sentences. As in the
app, the models also learn from the untagged text (word vectors from all of train's words,
``ml.raw_vectors``, and at each retrain the current model's tag profile of them,
``ml.tag_profile``) unless ``--no-raw``.

    .venv/bin/python benchmarks/annotation_sim.py [--data DIR] [--json OUT] [--plot OUT.png]
        [--train-limit N] [--dev-limit N] [--rounds N] [--max-minutes M] [--uncertainty NAME]
        [--diversity] [--overhead TOKENS] [--threads N] [--no-raw]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tagger_gui.core.formats import read_file  # noqa: E402
from tagger_gui.core.resources import load_tagset_preset  # noqa: E402
from tagger_gui.ml.active import UNCERTAINTY_STRATEGIES  # noqa: E402
from tagger_gui.ml.config import preset_config  # noqa: E402
from tagger_gui.ml.raw_vectors import learn_vectors  # noqa: E402
from tagger_gui.ml.schedule import scaled_config  # noqa: E402
from tagger_gui.ml.simulate import LoopRun, LoopSettings, fresh_accuracy, simulate  # noqa: E402
from tagger_gui.ml.training import Trainer  # noqa: E402
from tagger_gui.session.untagged import MIN_COUNT  # noqa: E402

from benchmarks.plotting import Panel, save_panels  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ud-english-ewt"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--train-limit", type=int, default=0, help="use the first N train sentences (0 = all)")
    parser.add_argument("--dev-limit", type=int, default=0, help="use the first N dev sentences (0 = all)")
    parser.add_argument("--rounds", type=int, default=0, help="at most N rounds per strategy (0 = no limit)")
    parser.add_argument("--max-minutes", type=float, default=60.0, help="the whole run's time, shared by the strategies")
    parser.add_argument("--full-accuracy", type=float, default=95.1, help="C, percent: the target is C - 1")
    parser.add_argument("--uncertainty", default="entropy", choices=UNCERTAINTY_STRATEGIES)
    parser.add_argument("--overhead", type=float, default=0.0, help="per-sentence cost in tokens when ranking")
    parser.add_argument("--diversity", action="store_true", help="batch-diversity rule for the uncertainty strategy")
    parser.add_argument("--first-round", type=int, default=20)
    parser.add_argument("--growth", type=float, default=0.1)
    parser.add_argument("--pool", type=int, default=2000, help="untagged sentences scored per round (0 = all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-raw", action="store_true", help="no word vectors from the untagged text")
    parser.add_argument("--no-retrain-timing", action="store_true", help="skip timing a retrain on 2,000 sentences")
    return parser.parse_args()


def _tag_names(train) -> list[str]:
    """UD UPOS in the app's preset order when it covers the data, else the tags seen, sorted."""
    seen = {t for s in train for t in s.tags if t is not None}
    preset = load_tagset_preset("UD UPOS").names
    return preset if seen <= set(preset) else sorted(seen)


def _point_dict(point) -> dict:
    data = asdict(point)
    data["dev_accuracy"] = round(100 * point.dev_accuracy, 3)
    data["hours"] = point.seconds / 3600
    data["scratch_hours"] = point.scratch_seconds / 3600
    return data


def _reached(run: LoopRun, target: float):
    return run.first_reaching(target / 100)


def _summary_row(name: str, run: LoopRun, target: float, scratch: bool = False) -> dict:
    """Figures of one strategy: to the target (``None`` if not reached) and over the whole run."""
    last, hit = run.points[-1], _reached(run, target)
    keys = (lambda p: p.scratch_keys) if scratch else (lambda p: p.keys)
    seconds = (lambda p: p.scratch_seconds) if scratch else (lambda p: p.seconds)
    return {
        "strategy": name,
        "fraction_to_target": hit.fraction if hit else None,
        "tokens_to_target": hit.tokens if hit else None,
        "keys_to_target": keys(hit) if hit else None,
        "hours_to_target": seconds(hit) / 3600 if hit else None,
        "final_dev_accuracy": round(100 * last.dev_accuracy, 3),
        "final_fraction": last.fraction,
        "keys_per_token": keys(last) / last.tokens,
        "hours": seconds(last) / 3600,
        "rounds": len(run.points),
        "retrain_seconds": sum(p.retrain_seconds for p in run.points),
        "stopped": run.stopped,
    }


def _run_strategies(args, train, dev, names, base, target: float, vectors) -> dict[str, LoopRun]:
    strategies = ["in_order", "random", args.uncertainty]
    started, budget = time.monotonic(), args.max_minutes * 60
    runs: dict[str, LoopRun] = {}
    for k, strategy in enumerate(strategies):
        share = (budget - (time.monotonic() - started)) / (len(strategies) - k)
        settings = LoopSettings(
            strategy=strategy, pre_annotate=True, diversity=args.diversity and strategy == args.uncertainty,
            first_round=args.first_round, growth=args.growth, target=target / 100, pool=args.pool,
            seed=args.seed, max_rounds=args.rounds, overhead=args.overhead,
        )
        print(f"== {strategy}", flush=True)
        runs[strategy] = simulate(train, dev, names, base, settings, deadline=time.monotonic() + share,
                                  vectors=vectors)
        for p in runs[strategy].points:
            print(f"  round {p.round:3d}  {p.sentences:5d} sentences  {100 * p.fraction:5.1f}% tokens  "
                  f"dev {100 * p.dev_accuracy:.2f}  keys {p.keys}  {p.seconds / 3600:.1f} h  "
                  f"retrain {p.retrain_seconds:.1f} s{' warm' if p.warm else ''}", flush=True)
    return runs


def _best(rows: list[dict]) -> dict:
    """The strategy (other than in order) that reached the target soonest, else the most accurate at the end."""
    others = [r for r in rows if not r["strategy"].startswith("in_order")]
    return min(others, key=lambda r: (r["fraction_to_target"] is None, r["fraction_to_target"] or 0,
                                      -r["final_dev_accuracy"]))


def _time_ratio(scratch: dict, best: dict) -> tuple[float | None, bool]:
    """Modelled hours of in-order-from-scratch to the target over the best's; a lower bound if scratch never got there."""
    if best["hours_to_target"] is None:
        return None, False
    if scratch["hours_to_target"] is not None:
        return scratch["hours_to_target"] / best["hours_to_target"], False
    return scratch["hours"] / best["hours_to_target"], True


def _retrain_2000(train, names, base) -> dict:
    """Seconds of one loop retrain on the first 2,000 sentences: warm from a model of the first 1,820, and from scratch."""
    from tagger_gui.core.corpus import TagSet

    def tokens(sentences):
        return sum(len(s.tokens) for s in sentences)

    base = base.replace(dev_fraction=0.0)
    first, full = train[:1820], train[:2000]
    old = Trainer(scaled_config(base, tokens(first))).fit(first, tagset=TagSet(names)).tagger
    started = time.monotonic()
    Trainer(scaled_config(base, tokens(full), warm=True)).fit(full, tagset=TagSet(names), start_from=old)
    warm = time.monotonic() - started
    started = time.monotonic()
    Trainer(scaled_config(base, tokens(full))).fit(full, tagset=TagSet(names))
    return {"retrain_2000_s": warm, "retrain_2000_scratch_s": time.monotonic() - started}


def _fresh(best_run: LoopRun, train, dev, names, base, target: float, vectors) -> dict:
    """A model trained from scratch on the best strategy's chosen sentences (up to the target if reached)."""
    hit = _reached(best_run, target) or best_run.points[-1]
    chosen = best_run.chosen[: hit.sentences]
    accuracy = fresh_accuracy(train, chosen, dev, names, base, seed=best_run.settings.seed + 1, vectors=vectors)
    return {"sentences": hit.sentences, "loop_dev_accuracy": round(100 * hit.dev_accuracy, 3),
            "fresh_dev_accuracy": round(100 * accuracy, 3)}


def _report(rows: list[dict], result: dict) -> None:
    print(f"\ntarget dev accuracy {result['target_accuracy']:.2f}")
    print(f"{'strategy':22s} {'to target':>9s} {'keys':>8s} {'hours':>7s} {'final':>6s} {'keys/tok':>8s} {'stopped':>12s}")
    for r in rows:
        frac = "-" if r["fraction_to_target"] is None else f"{100 * r['fraction_to_target']:.1f}%"
        keys = "-" if r["keys_to_target"] is None else str(r["keys_to_target"])
        hours = "-" if r["hours_to_target"] is None else f"{r['hours_to_target']:.1f}"
        print(f"{r['strategy']:22s} {frac:>9s} {keys:>8s} {hours:>7s} {r['final_dev_accuracy']:6.2f} "
              f"{r['keys_per_token']:8.3f} {r['stopped']:>12s}")
    shown = {k: v for k, v in result.items() if k not in ("curves", "strategies")}
    print(json.dumps(shown, indent=2))


def main() -> None:
    args = _args()
    torch.set_num_threads(args.threads)
    # Every training of the run then keeps this count (ml.threads) instead of adapting it to the load:
    # thread counts change the sums' order, so without it a seed's curves depended on what else ran.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    train = read_file(args.data / "en_ewt-ud-train.conllu")
    dev = read_file(args.data / "en_ewt-ud-dev.conllu")
    train, dev = train[: args.train_limit or None], dev[: args.dev_limit or None]
    names, base = _tag_names(train), preset_config("default", seed=args.seed)
    target = args.full_accuracy - 1.0
    # The app learns word vectors from every sentence of the project, tagged or not: here all of train's text.
    vectors = None if args.no_raw else learn_vectors([s.words for s in train], base.raw_dim, min_count=MIN_COUNT)
    runs = _run_strategies(args, train, dev, names, base, target, vectors)
    rows = [_summary_row("in_order_scratch", runs["in_order"], target, scratch=True),
            _summary_row("in_order_pre", runs["in_order"], target)]
    rows += [_summary_row(name, run, target) for name, run in runs.items() if name != "in_order"]
    best = _best(rows)
    ratio, lower_bound = _time_ratio(rows[0], best)
    result = {
        "target_accuracy": target,
        "best_strategy": best["strategy"] + (" + diversity" if args.diversity and best["strategy"] == args.uncertainty else ""),
        "best_fraction_to_target": best["fraction_to_target"],
        "in_order_fraction_to_target": rows[1]["fraction_to_target"],
        "time_ratio_vs_scratch": ratio,
        "time_ratio_is_lower_bound": lower_bound,
        "keys_per_token": best["keys_per_token"],
        "fresh_model_on_best_choice": _fresh(runs[best["strategy"]], train, dev, names, base, target, vectors),
        "strategies": rows,
        "curves": {name: [_point_dict(p) for p in run.points] for name, run in runs.items()},
        "settings": {k: str(v) for k, v in vars(args).items()},
    }
    result.update({"retrain_2000_s": None} if args.no_retrain_timing else _retrain_2000(train, names, base))
    _report(rows, result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.plot:
        _plot(runs, target, args.plot)


def _plot(runs: dict[str, LoopRun], target: float, path: Path) -> None:
    """Dev accuracy against the share of train tokens tagged and against modelled hours."""
    by_tokens = Panel("% of train tokens tagged", "dev accuracy %", hline=target)
    by_hours = Panel("modelled annotation hours (Ringger et al. 2008)", "dev accuracy %", hline=target)
    for name, run in runs.items():
        y = [100 * p.dev_accuracy for p in run.points]
        label = name + (" (pre-annotated)" if name == "in_order" else "")
        by_tokens.series.append((label, [100 * p.fraction for p in run.points], y))
        by_hours.series.append((label, [p.seconds / 3600 for p in run.points], y))
        if name == "in_order":
            by_hours.series.append(("in_order (from scratch)", [p.scratch_seconds / 3600 for p in run.points], y))
    save_panels([by_tokens, by_hours], path)


if __name__ == "__main__":
    main()

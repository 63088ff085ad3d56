"""The command line end to end on a small file: train, evaluate, predict, convert, errors, window mode."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
import torch

from tagger_gui.cli import main
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import read_file, write_file
from tagger_gui.ml import precision as precision_module
from tagger_gui.ml.bundle import load_bundle
from tagger_gui.ml.neighbour_tags import SCALE, neighbour_columns

WORDS = {
    "DET": ["the", "a", "that", "this"],
    "NOUN": ["dog", "apple", "book", "cat", "tree", "house"],
    "VERB": ["ate", "read", "saw", "liked"],
}


def _sentences(count: int, seed: int) -> list[Sentence]:
    """DET NOUN VERB DET NOUN sentences built from ``WORDS`` (deterministic)."""
    pattern = ["DET", "NOUN", "VERB", "DET", "NOUN"]
    sentences = []
    for i in range(count):
        words = [WORDS[t][(i * 7 + j * 3 + seed) % len(WORDS[t])] for j, t in enumerate(pattern)]
        sentences.append(Sentence.from_words(words, pattern))
    return sentences


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A trained model plus its train/dev files (trained once for the module)."""
    folder = tmp_path_factory.mktemp("cli")
    paths = {"train": folder / "train.tsv", "dev": folder / "dev.tsv", "model": folder / "model"}
    write_file(paths["train"], _sentences(200, 0))
    write_file(paths["dev"], _sentences(10, 1))
    code = main(["train", str(paths["train"]), "--dev", str(paths["dev"]), "--out", str(paths["model"]),
                 "--epochs", "30", "--seed", "3", "--device", "cpu"])
    assert code == 0
    return paths


def test_train_saves_a_model(files, capsys):
    assert (files["model"] / "model.json").exists() and (files["model"] / "model.safetensors").exists()


def test_evaluate_json_and_table(files, capsys):
    assert main(["evaluate", str(files["model"]), str(files["dev"]), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert {"accuracy", "oov_accuracy", "words", "per_tag"} <= set(figures)
    assert figures["words"] == 50 and figures["accuracy"] == 1.0
    assert main(["evaluate", str(files["model"]), str(files["dev"])]) == 0
    table = capsys.readouterr().out
    assert "accuracy" in table and "NOUN" in table and "precision" in table


def test_predict_writes_tags_and_scores(files, tmp_path, capsys):
    source = tmp_path / "input.jsonl"
    source.write_text('{"tokens": ["the", "cat", "saw", "a", "tree"]}\n{"tokens": ["a", "zebra"]}\n')
    out, scores = tmp_path / "tagged.jsonl", tmp_path / "scores.tsv"
    assert main(["predict", str(files["model"]), str(source), "--out", str(out), "--scores", str(scores)]) == 0
    tagged = read_file(out)
    assert tagged[0].tags == ["DET", "NOUN", "VERB", "DET", "NOUN"]
    assert all(tag is not None for tag in tagged[1].tags)
    header, *rows = scores.read_text().splitlines()
    columns = header.split("\t")
    assert columns[:3] == ["sentence", "word_index", "word"] and set(WORDS) <= set(columns[3:])
    assert len(rows) == 7
    for row, (sentence, index) in zip(rows, [(0, i) for i in range(5)] + [(1, 0), (1, 1)]):
        cells = row.split("\t")
        assert (int(cells[0]), int(cells[1]), cells[2]) == (sentence + 1, index + 1, tagged[sentence].words[index])
        values = [float(v) for v in cells[3:]]
        assert all(v <= 0 for v in values)
        assert columns[3 + values.index(max(values))] == tagged[sentence].tags[index]


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_predict_precision_sets_the_number_format_of_the_scores(files, tmp_path, precision):
    words = ["the", "cat", "saw", "a", "tree"]
    source = tmp_path / "input.jsonl"
    source.write_text(json.dumps({"tokens": words}) + "\n")
    scores = tmp_path / "scores.tsv"
    assert main(["predict", str(files["model"]), str(source), "--out", str(tmp_path / "out.jsonl"),
                 "--scores", str(scores), "--precision", precision]) == 0
    written = [float(v) for row in scores.read_text().splitlines()[1:] for v in row.split("\t")[3:]]
    tagger = load_bundle(files["model"], device="cpu")
    tagger.config.precision = precision
    expected = tagger.predict([words])[0].log_probs.ravel()
    tagger.config.precision = "bf16" if precision == "fp32" else "fp32"
    other = tagger.predict([words])[0].log_probs.ravel()
    assert written == pytest.approx(expected.tolist(), rel=2e-4, abs=1e-6)  # the table keeps 5 digits
    if precision_module.bf16_supported(torch.device("cpu")):  # else both tag in fp32
        assert written != pytest.approx(other.tolist(), rel=2e-4, abs=1e-6)

def test_convert_round_trip(files, tmp_path):
    conllu, back = tmp_path / "train.conllu", tmp_path / "back.conll"
    assert main(["convert", str(files["train"]), str(conllu)]) == 0
    assert main(["convert", str(conllu), str(back), "--to", "columns"]) == 0
    original, converted = read_file(files["train"]), read_file(back, "columns")
    assert [(s.words, s.tags) for s in original] == [(s.words, s.tags) for s in converted]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train"], "required"),
        (["train", "missing.tsv", "--out", "m"], "missing.tsv"),
        (["evaluate", "no-such-model", "x.tsv"], "model.json"),
        (["convert", "a.tsv", "b.xyz"], "unknown file extension"),
        (["train", "x.tsv", "--out", "m", "--column", "lemma"], "column"),
        (["predict", "m"], "required"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.tsv").write_text("dog\tNOUN\n")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_malformed_input_and_broken_model(files, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"tokens": ["ok"]}\n{"tokens": \n')
    assert main(["evaluate", str(files["model"]), str(bad)]) == 2
    assert "bad.jsonl:2:" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.json").write_text((files["model"] / "model.json").read_text())
    (broken / "model.safetensors").write_bytes(b"\x80\x04junk")
    assert main(["predict", str(broken), str(files["dev"]), "--out", str(tmp_path / "o.tsv")]) == 2
    err = capsys.readouterr().err
    assert "model.safetensors" in err and "Traceback" not in err


def test_window_mode(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tagger_gui.gui.app", None)  # the import fails
    assert main([]) == 2
    assert "the window is not available" in capsys.readouterr().err
    calls = []
    fake = types.ModuleType("tagger_gui.gui.app")
    fake.run_window = lambda file, screenshot, column: calls.append((file, screenshot, column)) or 0
    monkeypatch.setitem(sys.modules, "tagger_gui.gui.app", fake)
    assert main(["corpus.conllu", "--screenshot", "shot.png"]) == 0
    assert main(["corpus.conllu", "--column", "xpos"]) == 0
    assert calls == [(Path("corpus.conllu"), Path("shot.png"), "upos"), (Path("corpus.conllu"), None, "xpos")]


def test_train_offers_every_preset():
    from tagger_gui.cli import _parser
    from tagger_gui.ml.config import PRESETS

    for name in PRESETS:
        assert _parser().parse_args(["train", "data.conllu", "--out", "model", "--preset", name]).preset == name


@pytest.mark.parametrize(("given", "kept"), [(["--max-minutes", "0"], None), (["--max-minutes", "3"], 3.0), ([], 9.5)])
def test_max_minutes_zero_lifts_the_presets_time_limit(files, tmp_path, given, kept):
    model = tmp_path / "model"
    assert main(["train", str(files["dev"]), "--out", str(model), "--epochs", "1", "--device", "cpu", *given]) == 0
    saved = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert saved["config"]["max_minutes"] == kept


def test_the_summary_says_in_words_why_training_ended(files, tmp_path, capsys):
    assert main(["train", str(files["dev"]), "--out", str(tmp_path / "m"), "--epochs", "2", "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Finished all 2 epochs. Saved ")
    assert "Time limit: 9.5 minutes for up to 2 epochs." in captured.err
    assert main(["train", str(files["train"]), "--out", str(tmp_path / "n"), "--epochs", "4", "--device", "cpu",
                 "--max-minutes", "0.00001"]) == 1
    captured = capsys.readouterr()
    assert "Stopped at the 0.0006-second limit before the first epoch ended. No model saved." in captured.err
    assert "time_limit" not in captured.out + captured.err


def test_the_progress_bar_shows_the_runs_eta_under_the_time_limit(capsys):
    from tagger_gui.cli import _ProgressHooks
    from tagger_gui.ml.training import BatchInfo, TrainingInfo

    hooks = _ProgressHooks()
    hooks.on_start(TrainingInfo(100, 1000, 10, 5, 10, 1000, "cpu", epochs=10, time_limit_minutes=1.0))
    hooks._clock.started -= 29.5  # 49 minutes to go by the epochs, 30 s by the limit
    hooks.on_batch_end(BatchInfo(epoch=1, batch=1, n_batches=10, step=1, loss=0.5, words_per_second=10.0))
    assert hooks._bar.postfix == "loss 0.500, ETA 00:30"
    hooks.close()


@pytest.mark.parametrize(("given", "kept"), [(["--precision", "fp32"], "fp32"), ([], "auto")])
def test_train_precision_is_saved_with_the_model(files, tmp_path, given, kept):
    model = tmp_path / "model"
    assert main(["train", str(files["dev"]), "--out", str(model), "--epochs", "1", "--device", "cpu", *given]) == 0
    saved = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert saved["config"]["precision"] == kept and saved["info"]["precision"] == "fp32"


def test_train_learns_from_raw_text_files_and_names_a_bad_one(files, tmp_path, capsys):
    raw = tmp_path / "raw.txt"
    nouns = [a + b for a in "bdfgklmnprst" for b in ("ap", "ib", "og", "ut", "em", "ix", "ul", "ar")]  # 96 made-up
    raw.write_text("".join(f"the {nouns[i % 96]} liked a {nouns[i * 7 % 96]}\n" for i in range(600)), encoding="utf-8")
    out = tmp_path / "with_raw"
    assert main(["train", str(files["train"]), "--out", str(out), "--epochs", "1", "--device", "cpu",
                 "--raw", str(raw)]) == 0
    assert load_bundle(out).vocab.raw_words  # the model has word vectors from the text
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["train", str(files["train"]), "--out", str(tmp_path / "no"), "--epochs", "1", "--device", "cpu",
                 "--raw", str(bad)]) == 2
    assert "binary.txt" in capsys.readouterr().err and not (tmp_path / "no").exists()


def test_self_train_trains_twice_with_the_first_models_view_of_the_raw_words(files, tmp_path, capsys):
    raw = tmp_path / "raw.txt"
    nouns = [a + b for a in "bdfgklmnprst" for b in ("ap", "ib", "og", "ut", "em", "ix", "ul", "ar")]  # 96 made-up
    raw.write_text("".join(f"the {nouns[i % 96]} liked a {nouns[i * 7 % 96]}\n" for i in range(600)), encoding="utf-8")
    out = tmp_path / "self"
    assert main(["train", str(files["train"]), "--dev", str(files["dev"]), "--out", str(out), "--epochs", "8",
                 "--device", "cpu", "--raw", str(raw), "--self-train"]) == 0
    assert capsys.readouterr().err.count("training on 200 sentences") == 2  # two runs
    tagger = load_bundle(out, device="cpu")
    start = tagger.model.raw_embedding.weight.shape[1] - neighbour_columns(len(tagger.vocab.neighbour_tags))
    noun = tagger.model.raw_embedding.weight[tagger.vocab.raw_id("kut"), start + tagger.vocab.tags.index("NOUN")]
    assert noun > 0.5 * SCALE  # the first model tagged the made-up kut a noun wherever it met it
    assert main(["train", str(files["train"]), "--out", str(tmp_path / "once"), "--epochs", "1", "--device", "cpu",
                 "--self-train"]) == 0  # too little untagged text for vectors: nothing to profile
    said = capsys.readouterr().err
    assert "--self-train puts the first model's view" in said and said.count("training on ") == 1
    assert main(["train", str(files["train"]), "--out", str(tmp_path / "no"), "--self-train", "--nproc", "2"]) == 2
    assert "--self-train trains in one process" in capsys.readouterr().err and not (tmp_path / "no").exists()

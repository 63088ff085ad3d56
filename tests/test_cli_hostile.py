"""The command line against hostile and careless use: one line and exit 2, checks before work (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tagger_gui.cli import EXIT_BROKEN_PIPE, main
from tagger_gui.core.corpus import Sentence
from tagger_gui.core.formats import write_file
from tagger_gui.ml.bundle import save_bundle
from tests.conftest import REPO
from tests.ml.test_bundle_hostile import tiny_tagger

RUN_CLI = "import sys; from tagger_gui.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-cli")
    save_bundle(tiny_tagger(), folder / "model")
    write_file(folder / "data.tsv", [Sentence.from_words(["the", "dog"], ["DET", "NOUN"])] * 3)
    return folder


def one_line_exit_2(argv, capsys) -> str:
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("device", ["xla", "vulkan", "meta", "cuda:99", "tpu"])
@pytest.mark.parametrize("command", ["train", "evaluate", "predict"])
def test_unusable_devices_are_one_line_and_exit_2(model, tmp_path, capsys, command, device):
    argv = {"train": ["train", model / "data.tsv", "--out", tmp_path / "m"],
            "evaluate": ["evaluate", model / "model", model / "data.tsv"],
            "predict": ["predict", model / "model", model / "data.tsv", "--out", tmp_path / "o.tsv"]}[command]
    assert "device" in one_line_exit_2([*argv, "--device", device], capsys)
    assert not (tmp_path / "m").exists() and not (tmp_path / "o.tsv").exists()


def test_predict_checks_every_output_before_writing_any(model, tmp_path, capsys):
    out = tmp_path / "tagged.tsv"
    err = one_line_exit_2(["predict", model / "model", model / "data.tsv", "--out", out,
                           "--scores", tmp_path / "missing" / "scores.tsv"], capsys)
    assert "missing" in err and not out.exists()


def test_predict_never_writes_over_its_input_nor_both_outputs_on_one_file(model, tmp_path, capsys):
    source = tmp_path / "gold.tsv"
    source.write_bytes((model / "data.tsv").read_bytes())
    link = tmp_path / "link.tsv"
    link.symlink_to(source)
    for out in (source, link):
        err = one_line_exit_2(["predict", model / "model", source, "--out", out], capsys)
        assert "same file as INPUT" in err and source.read_bytes() == (model / "data.tsv").read_bytes()
    both = tmp_path / "both.tsv"
    err = one_line_exit_2(["predict", model / "model", source, "--out", both, "--scores", both], capsys)
    assert "--scores" in err and "--out" in err and not both.exists()


def test_empty_inputs_give_empty_outputs_with_a_note_and_untagged_dev_files_are_refused(model, tmp_path, capsys):
    blank = tmp_path / "blank.tsv"
    blank.write_text("\n\n-DOCSTART- O\n\n")
    for argv in (["predict", model / "model", blank, "--out", tmp_path / "o.tsv"], ["convert", blank, tmp_path / "o.conllu"]):
        assert main([str(a) for a in argv]) == 0
        assert "note: " + str(blank) + " holds no sentences" in capsys.readouterr().err
    assert (tmp_path / "o.tsv").read_text() == "" and (tmp_path / "o.conllu").read_text() == ""
    untagged = tmp_path / "untagged.txt"
    untagged.write_text("the dog\n")
    err = one_line_exit_2(["train", model / "data.tsv", "--dev", untagged, "--out", tmp_path / "m"], capsys)
    assert "untagged.txt: no tagged words" in err and not (tmp_path / "m").exists()


def test_a_tag_column_the_input_format_cannot_have_is_refused_before_tagging(model, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("tagger_gui.cli_predict.load_bundle", lambda *a, **k: pytest.fail("the model was loaded"))
    err = one_line_exit_2(["predict", model / "model", model / "data.tsv", "--out", tmp_path / "o.tsv", "--column",
                           "xpos"], capsys)
    assert "xpos names a CoNLL-U column" in err


def test_evaluating_tags_the_model_does_not_know_is_refused(model, tmp_path, capsys):
    other = tmp_path / "xpos.tsv"  # mostly another tag set, sharing one tag with the model's (as UD's XPOS has SYM)
    write_file(other, [Sentence.from_words(["the", "dog", "big"], ["DET", "NN", "JJ"])])
    err = one_line_exit_2(["evaluate", model / "model", other], capsys)
    assert "2 of its 3 tagged words have tags the model does not know (NN, JJ; the model's: DET, NOUN)" in err
    assert "--column" in err
    mostly_known = tmp_path / "upos.tsv"
    write_file(mostly_known, [Sentence.from_words(["the", "dog", "big"], ["DET", "NOUN", "ADJ"])])
    assert main(["evaluate", str(model / "model"), str(mostly_known)]) == 0


def test_usage_errors_name_the_program_once_and_the_setting(model, tmp_path, capsys):
    err = one_line_exit_2(["convert", model / "data.tsv", tmp_path / "o.tsv", "--column", "lemma"], capsys)
    assert err.startswith("tagger-gui: convert: argument --column") and err.count("tagger-gui") == 1
    err = one_line_exit_2(["train", model / "data.tsv", "--out", tmp_path / "m", "--epochs", "0"], capsys)
    assert "invalid training setting epochs: must be >= 1" in err


def test_train_onto_an_existing_file_fails_before_training(model, tmp_path, capsys):
    existing = tmp_path / "model"
    existing.write_text("not a folder")
    err = one_line_exit_2(["train", model / "data.tsv", "--out", existing, "--epochs", "1"], capsys)
    assert "not a folder" in err and existing.read_text() == "not a folder"


def test_special_outputs_are_refused(model, tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo.tsv")
    assert "FIFO" in one_line_exit_2(["convert", model / "data.tsv", tmp_path / "fifo.tsv"], capsys)
    assert "FIFO" in one_line_exit_2(["evaluate", model / "model", tmp_path / "fifo.tsv"], capsys)


def test_model_json_with_fields_of_the_wrong_type_is_one_line(model, tmp_path, capsys):
    broken = tmp_path / "broken"
    save_bundle(tiny_tagger(), broken)
    meta = json.loads((broken / "model.json").read_text())
    meta["vocab"]["tags"] = [1, None]
    (broken / "model.json").write_text(json.dumps(meta))
    for argv in (["evaluate", broken, model / "data.tsv"],
                 ["predict", broken, model / "data.tsv", "--out", tmp_path / "o.tsv", "--scores", tmp_path / "s.tsv"]):
        assert "vocab.tags" in one_line_exit_2(argv, capsys)


def test_a_reader_that_goes_away_ends_the_command_quietly(model):
    reader, writer = os.pipe()
    os.close(reader)  # like `| head -1` after its line: nobody reads the rest
    child = subprocess.run([sys.executable, "-c", RUN_CLI, "evaluate", str(model / "model"), str(model / "data.tsv"),
                            "--device", "cpu"], stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"})
    os.close(writer)
    assert child.stderr == "" and child.returncode == EXIT_BROKEN_PIPE

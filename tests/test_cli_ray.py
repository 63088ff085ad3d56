"""``tagger-gui predict --engine ray``: on a local 2-CPU Ray its output equals the local engine's byte for byte.

The Ray tests share one Ray started for the module (start-up takes seconds); the
command uses a Ray this process is connected to as it is. They are skipped where
Ray is not installed (``pip install 'tagger-gui[cluster]'``); the messages for a
missing Ray and for misused options are tested everywhere.
"""

from __future__ import annotations

import itertools
import logging
import sys

import pytest

from tagger_gui import cli_predict
from tagger_gui.cli import main
from tagger_gui.core import corpus
from tagger_gui.core.formats import stream, write_file

from . import test_cli_stream
from .test_cli_stream import _corpus

model = test_cli_stream.model  # its untrained model fixture


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'tagger-gui[cluster]')")
    pytest.importorskip("ray.data", reason="Ray Data is not installed (pip install 'tagger-gui[cluster]')")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield ray
    ray.shutdown()


def _predict(monkeypatch, model, source, out, scores, *engine) -> int:
    monkeypatch.setattr(corpus, "_generated_ids", itertools.count(1))  # generated ids as in a fresh process
    return main(["predict", str(model), str(source), "--out", str(out), "--scores", str(scores), *engine])


def test_ray_on_two_workers_writes_the_local_engines_bytes(local_ray, model, tmp_path, monkeypatch, capsys):
    """Plain text in (no ids: the ids are generated) and CoNLL-U out, in 10+ chunks over 2 workers."""
    source = tmp_path / "in.txt"
    write_file(source, _corpus(300))
    monkeypatch.setattr(stream, "CHUNK_BYTES", 1000)
    # Scores agree to the last digit when both engines batch alike: Ray tags each chunk by itself, so the local
    # engine must not join chunks (cli_predict.STREAM_WORDS), and the thread count is the workers'.
    monkeypatch.setattr(cli_predict, "STREAM_WORDS", 1)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _predict(monkeypatch, model, source, tmp_path / "local.conllu", tmp_path / "local.tsv") == 0
    engine = ["--engine", "ray", "--workers", "2"]
    assert _predict(monkeypatch, model, source, tmp_path / "ray.conllu", tmp_path / "ray.tsv", *engine) == 0
    assert "tagged" in capsys.readouterr().out
    assert len(list(stream.ChunkReader(source).spans())) > 10
    local, ray = (tmp_path / "local.conllu").read_bytes(), (tmp_path / "ray.conllu").read_bytes()
    assert b"# sent_id = s300\n" in ray and ray == local
    assert (tmp_path / "ray.tsv").read_bytes() == (tmp_path / "local.tsv").read_bytes()


def test_ray_stops_at_a_late_error_naming_its_line_and_writes_nothing(local_ray, model, tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    write_file(source, _corpus(200))
    with source.open("a", encoding="utf-8") as file:
        file.write('{"tokens": []}\n')
    monkeypatch.setattr(stream, "CHUNK_BYTES", 2000)
    assert _predict(monkeypatch, model, source, tmp_path / "out.jsonl", tmp_path / "s.tsv", "--engine", "ray") == 2
    assert f"{source}:201:" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_without_ray_the_message_says_how_to_install_it(model, tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.jsonl"
    write_file(source, _corpus(5))
    monkeypatch.setitem(sys.modules, "ray", None)  # what a missing package looks like to import
    assert main(["predict", str(model), str(source), "--out", str(tmp_path / "o.jsonl"), "--engine", "ray"]) == 2
    assert "pip install 'tagger-gui[cluster]'" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--engine", "spark"], "invalid choice: 'spark'"),
    (["--ray-address", "10.0.0.1:6379"], "--ray-address and --workers go with --engine ray"),
    (["--engine", "ray", "--device", "cuda"], "--engine ray tags on the workers' CPUs"),
])
def test_misused_engine_options_give_one_line(model, tmp_path, capsys, options, message):
    source = tmp_path / "in.jsonl"
    write_file(source, _corpus(5))
    assert main(["predict", str(model), str(source), "--out", str(tmp_path / "o.jsonl"), *options]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1

"""Project files: save, reload, refuse what is not ours."""

from __future__ import annotations

import json

import pytest

from tagger_gui.core.formats import read_text
from tagger_gui.core.project import Project, ProjectError
from tagger_gui.core.resources import TAGSET_PRESETS, load_tagset_preset, sample_project_path
from tests.core.test_formats import CONLLU


def test_sample_project_loads_with_tagged_untagged_and_dev_sentences():
    project = Project.load(sample_project_path())
    statuses = {s.status.value for s in project.corpus}
    assert {"complete", "partial", "untagged"} <= statuses
    assert any(s.split.value == "dev" for s in project.corpus)
    assert project.corpus[0].words == ["The", "dog", "ate", "the", "apple"]


def test_save_and_reload_keeps_everything(tmp_path):
    corpus_project = Project(tag_column="xpos", train_settings={"preset": "default", "epochs": 3})
    corpus_project.corpus.reset(read_text(CONLLU, "conllu"), load_tagset_preset("UD UPOS"))
    corpus_project.corpus.set_reviewed(1, True)
    corpus_project.model_path = tmp_path / "models" / "m"
    corpus_project.save(tmp_path / "p.tagproj")
    back = Project.load(tmp_path / "p.tagproj")
    assert [s.tags for s in back.corpus] == [s.tags for s in corpus_project.corpus]
    assert [s.extra_lines for s in back.corpus] == [s.extra_lines for s in corpus_project.corpus]
    assert back.corpus[0].tokens[0].columns == corpus_project.corpus[0].tokens[0].columns
    assert back.corpus[1].reviewed and back.tag_column == "xpos"
    assert back.train_settings == {"preset": "default", "epochs": 3}
    assert back.model_path.resolve() == (tmp_path / "models" / "m").resolve()
    assert json.loads((tmp_path / "p.tagproj").read_text())["model"] == "models/m"
    assert back.corpus.tagset == load_tagset_preset("UD UPOS")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a tagger-gui project"),
        ('{"format": "something else"}', "not a tagger-gui project"),
        ('{"format": "tagger-gui project", "version": 99, "sentences": [], "tagset": []}', "newer tagger-gui"),
        ('{"format": "tagger-gui project", "version": 1, "tagset": []}', "damaged"),
    ],
)
def test_bad_project_files_are_refused_with_the_file_named(tmp_path, content, message):
    path = tmp_path / "bad.tagproj"
    path.write_text(content)
    with pytest.raises(ProjectError) as caught:
        Project.load(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_tagset_presets_have_descriptions_and_colours():
    for name in TAGSET_PRESETS:
        tagset = load_tagset_preset(name)
        assert len(tagset) >= 17 and all(tag.description and tag.color.startswith("#") for tag in tagset)

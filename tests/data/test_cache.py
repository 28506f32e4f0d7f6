"""The checked copy of a data folder: read only for exactly the files that were validated."""
from __future__ import annotations

import pandas as pd
import pytest

from evaluation.data import cache as data_cache
from evaluation.data import load_dataset
from evaluation.data.cache import CACHE_VARIABLE, dataset_key, load_checked
from evaluation.exceptions import DataError


@pytest.fixture
def loads(monkeypatch):
    """Count the full loads ``load_checked`` makes."""
    calls = []

    def counting(data=None):
        calls.append(data)
        return load_dataset(data)

    monkeypatch.setattr(data_cache, "load_dataset", counting)
    return calls


def _same(a, b) -> None:
    for name in ("rounds", "municipalities", "responses", "plan_status", "quotes", "participation", "codings"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.path == b.path and a.files == b.files
    assert a.instrument.parameters == b.instrument.parameters
    assert sorted(a.narratives) == sorted(b.narratives)


def test_without_a_cache_folder_it_is_load_dataset_and_writes_nothing(data_copy, loads, monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    _same(load_checked(data_copy), load_dataset(data_copy))
    assert len(loads) == 1
    monkeypatch.setenv(CACHE_VARIABLE, "relative/folder")  # not absolute: ignored
    load_checked(data_copy)
    assert len(loads) == 2 and not (tmp_path / "relative").exists()


def test_a_second_load_reads_the_checked_copy(data_copy, loads, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    first = load_checked(data_copy)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f"{dataset_key(data_copy)}.pickle"]
    second = load_checked(data_copy)
    assert len(loads) == 1  # validated once
    _same(first, second)
    _same(second, load_dataset(data_copy))


def test_an_explicit_folder_is_used_without_the_variable(data_copy, loads, tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    load_checked(data_copy, cache=tmp_path / "cache")
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))  # as a run's kernels find it
    load_checked(data_copy)
    assert len(loads) == 1


def test_an_edit_to_any_file_means_loading_again(data_copy, loads, tmp_path):
    cache = tmp_path / "cache"
    load_checked(data_copy, cache=cache)
    quotes = data_copy / "rounds" / "opfoelgning-2019" / "quotes.csv"
    quotes.write_text(quotes.read_text(encoding="utf-8").replace("to gange", "tre gange"), encoding="utf-8")
    edited = load_checked(data_copy, cache=cache)
    assert len(loads) == 2
    assert edited.quotes["text"].str.contains("tre gange").any()
    load_checked(data_copy, cache=cache)
    assert len(loads) == 2


def test_the_key_covers_content_names_folders_and_place(data_copy, tmp_path):
    key = dataset_key(data_copy)
    assert dataset_key(data_copy) == key
    (data_copy / "rounds" / "stray").mkdir()  # validation reports a folder of an unknown round
    assert dataset_key(data_copy) != key
    (data_copy / "rounds" / "stray").rmdir()
    assert dataset_key(data_copy) == key
    answers = data_copy / "rounds" / "opfoelgning-2019" / "responses.csv"
    answers.write_bytes(answers.read_bytes() + b"\n")
    assert dataset_key(data_copy) != key
    moved = tmp_path / "elsewhere"
    answers.write_bytes(answers.read_bytes()[:-1])
    data_copy.rename(moved)
    assert dataset_key(moved) != key  # the copy records its folder


def test_bad_data_is_refused_every_time_and_nothing_is_kept(data_copy, loads, tmp_path):
    answers = data_copy / "rounds" / "opfoelgning-2019" / "responses.csv"
    answers.write_text(answers.read_text(encoding="utf-8").replace(",4\n", ",9\n", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            load_checked(data_copy, cache=tmp_path / "cache")
    assert len(loads) == 2
    assert not list((tmp_path / "cache").glob("*.pickle"))


def test_an_unreadable_copy_is_replaced(data_copy, loads, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    copy = cache / f"{dataset_key(data_copy)}.pickle"
    copy.write_bytes(b"not a pickle")
    _same(load_checked(data_copy, cache=cache), load_dataset(data_copy))
    assert len(loads) == 1 and copy.read_bytes() != b"not a pickle"
    load_checked(data_copy, cache=cache)
    assert len(loads) == 1


def test_a_file_changed_while_it_was_read_is_not_kept(data_copy, tmp_path, monkeypatch):
    quotes = data_copy / "rounds" / "opfoelgning-2019" / "quotes.csv"

    def edited_meanwhile(data=None):
        ds = load_dataset(data)
        quotes.write_text(quotes.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return ds

    monkeypatch.setattr(data_cache, "load_dataset", edited_meanwhile)
    load_checked(data_copy, cache=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.pickle"))


def test_the_folder_keeps_the_most_recent_copies(data_copy, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(data_cache.KEPT + 3):
        (cache / f"{i:064x}.pickle").write_bytes(b"old")
    load_checked(data_copy, cache=cache)
    kept = list(cache.glob("*.pickle"))
    assert len(kept) == data_cache.KEPT and cache / f"{dataset_key(data_copy)}.pickle" in kept

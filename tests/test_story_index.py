"""Stories worked out by what changed (StoryIndex, which --watch and every build use) are the stories
of comparing every pair afresh: after any sequence of edits, additions, removals and moves."""
import dataclasses
import random
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import ROOT
from digest.group import Stories
from digest.group.stories import Rarity, basis, cluster

sys.path.insert(0, str(ROOT / "benchmarks"))
from group_bench import generate  # noqa: E402  (reports of one event share names and sentences)


def afresh(items):
    return cluster(items)


def edit(items, rng, n):
    """One change an editor or a new dump might make."""
    items = list(items)
    k = rng.randrange(len(items))
    kind = rng.choice(["headline", "lede", "move", "add", "remove", "undated", "copy"])
    item = items[k]
    if kind == "headline":          # another report's headline words: may join or leave a story
        other = rng.choice(items)
        items[k] = dataclasses.replace(item, title=f"{other.title.split(':')[0]}: {item.title.split(': ', 1)[-1]}")
    elif kind == "lede":
        items[k] = dataclasses.replace(item, lede=rng.choice(items).lede)
    elif kind == "move":
        items[k] = dataclasses.replace(item, published=item.published + timedelta(hours=rng.uniform(-120, 120)))
    elif kind == "add":
        other = rng.choice(items)
        items.append(dataclasses.replace(other, key=f"new{n:04d}", published=other.published + timedelta(hours=2)))
    elif kind == "remove" and len(items) > 3:
        items.pop(k)
    elif kind == "undated":
        items[k] = dataclasses.replace(item, undated=not item.undated)
    else:                           # a copy of an early report's text: the word rarity moves
        items[k] = dataclasses.replace(item, title=items[0].title, lede=items[0].lede)
    return items


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_stories_by_what_changed_are_the_stories_afresh(seed):
    rng = random.Random(seed)
    items = generate(240, seed=seed)
    stories = Stories(Path("/nonexistent"))         # nowhere to remember ids: labels are what is compared
    for step in range(40):
        items = edit(items, rng, step)
        by_changes = stories.index.group(sorted(items, key=lambda i: (i.published, i.key)),
                                         stories.rarity(sorted(items, key=lambda i: (i.published, i.key))))
        assert by_changes == afresh(items), f"step {step}"


def test_word_rarity_is_learnt_again_by_what_changed():
    rng = random.Random(7)
    items = generate(120, seed=7)
    stories = Stories(Path("/nonexistent"))
    for step in range(30):
        items = edit(items, rng, step)
        ordered = sorted(items, key=lambda i: (i.published, i.key))
        assert stories.rarity(ordered) == Rarity.learn(Rarity.sources(ordered)), f"step {step}"


def test_a_site_that_grows_keeps_its_word_rarity_until_it_has_grown_by_a_quarter():
    items = generate(1200, seed=3)
    ordered = sorted(items, key=lambda i: (i.published, i.key))
    assert basis(900) == basis(1100) == 891 and basis(1113) == 1113
    learnt = Rarity.sources(ordered[:900])
    assert Rarity.sources(ordered[:1100]) == learnt     # newer reports only: the earliest stay the same
    assert Rarity.sources(ordered[:1113]) != learnt


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_the_pairs_of_a_few_reports_in_numpy_are_scipys(seed):
    """few_pairs (a build after a few reports were added: no scipy import) finds the very pairs
    similar_pairs finds with scipy's sparse products, similarities summed alike."""
    import numpy as np
    from digest.group import stories as st

    rng = random.Random(seed)
    ordered = sorted(generate(400, seed=seed), key=lambda i: (i.published, i.key))
    index = st.StoryIndex()
    rarity = Rarity.learn(Rarity.sources(ordered))
    vectors = index.vocabulary.vectors(ordered, rarity)
    width = len(index.vocabulary.names)
    matrix, heads = st._matrix(vectors, width), st._heads(vectors, width)
    stamps = np.array([i.published.timestamp() for i in ordered])
    undated = np.zeros(len(ordered), dtype=bool)
    found_any = False
    for _ in range(6):
        rows = np.array(sorted(rng.sample(range(len(ordered)), rng.randint(1, st.FEW))), dtype=np.int64)
        by_scipy = {(a, b) for i, j in st.similar_pairs(rows, matrix, heads, stamps, undated)
                    for a, b in zip(i.tolist(), j.tolist())}
        by_numpy = {(a, b) for i, j in st.few_pairs(rows, vectors, stamps) for a, b in zip(i.tolist(), j.tolist())}
        assert by_numpy == by_scipy
        found_any |= bool(by_scipy)
    assert found_any


def test_an_edit_that_keeps_every_pair_keeps_the_stories_without_grouping_again():
    """--watch: a report's text edited without changing whom it is like leaves the stories as they
    were (the same labels, not worked out again); one that makes it like no other takes it out."""
    items = generate(240, seed=5)
    ordered = sorted(items, key=lambda i: (i.published, i.key))
    index = Stories(Path("/nonexistent")).index
    rarity = Rarity.learn(Rarity.sources(ordered))
    labels = index.group(ordered, rarity)
    k, member = next((k, i) for k, i in enumerate(ordered) if labels[i.key])
    edited = list(ordered)
    edited[k] = dataclasses.replace(member, title=member.title + " (updated)")
    again = index.group(edited, rarity)
    assert again is labels and again == cluster(edited, rarity=rarity)
    edited[k] = dataclasses.replace(member, title="Zebra quokka", lede="Nothing alike at all here.")
    apart = index.group(edited, rarity)
    assert apart[member.key] is None and apart == cluster(edited, rarity=rarity)


@pytest.mark.parametrize("seed", [1, 2])
def test_story_ids_by_what_changed_are_the_ids_of_naming_every_story_again(seed, tmp_path):
    """Stories.assign names again only the stories a change touched: after every edit, the ids are
    those of naming every story from the ids before (named), and no two stories share one."""
    from digest.group.stories import named
    rng = random.Random(seed)
    items = generate(240, seed=seed)
    stories = Stories(tmp_path)
    stories.assign(items)
    for step in range(40):
        items = edit(items, rng, step)
        before = dict(stories.ids)
        found = stories.assign(items)
        ordered = sorted(items, key=lambda i: (i.published, i.key))
        assert found == named(cluster(ordered, rarity=stories.rarity(ordered)), before), f"step {step}"
        ids = [story for story in found.values() if story]
        assert len(set(ids)) == len({label for label in cluster(ordered, rarity=stories.rarity(ordered)).values()
                                     if label}), f"step {step}"

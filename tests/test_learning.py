"""The learning check of issue 22 (`seizure_nb.synthetic.learning_check`, explained in nbs/00a_synthetic.ipynb): a
short seeded training run on a realistic synthetic corpus must raise the dev AUROC above the untrained model's (or
chance) by the margin, and the same run on shuffled train labels must not. The notebook shows it failing on a model
that never sees its input. Model vs baseline is a reported result (`make demo`), not asserted here."""
import shutil
import pytest
from seizure_nb.edf_cache import build_cache
from seizure_nb.synthetic import LEARNING_CORPUS, learning_check, make_synthetic_corpus, shuffle_labels

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("learning")
    make_synthetic_corpus(root / "tusz", **LEARNING_CORPUS)
    shutil.copytree(root / "tusz", root / "shuffled")
    assert shuffle_labels(root / "shuffled") == 2 * LEARNING_CORPUS["n_patients"][0]
    for name in ("tusz", "shuffled"): build_cache(root / name, root / f"cache_{name}", workers=2)
    return root

def check(root, data:str) -> dict:
    return learning_check(root / data, root / f"cache_{data}", root / f"run_{data}")

def test_training_beats_the_untrained_model(corpus):
    r = check(corpus, "tusz")
    assert r["passed"], f"dev AUROC {r['trained']:.3f} after training, untrained {r['untrained']:.3f}, bar {r['bar']:.3f}"

def test_shuffled_labels_do_not(corpus):
    r = check(corpus, "shuffled")
    assert not r["passed"], f"dev AUROC {r['trained']:.3f} after training on shuffled labels, bar {r['bar']:.3f}"

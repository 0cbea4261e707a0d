"""The learning check (issue 22): a short seeded training run on the realistic synthetic corpus must raise the dev
AUROC (per second, last checkpoint, no selection on dev) above the untrained model's (or chance) by `MARGIN`, and the same run
must not when learning is broken: train labels shuffled (each recording's seizures moved to random times), or a
model that never sees its input. Model vs baseline is a reported result (`make demo`), not asserted here."""
import os, shutil
import numpy as np
import pytest
import torch
from seizure_nb.synthetic import make_synthetic_corpus
from seizure_nb.edf_cache import build_cache, read_annotations, write_annotations, binary_events, seizure_intervals
from seizure_nb.inference import load_config, predict_windows, auroc
from seizure_nb.manifest import scan_cache
from seizure_nb.model import DualStreamMamba
from seizure_nb.sampler import WindowDataset
import seizure_nb.train

# Not yet validated within CI's budget (see nbs/00a_synthetic.ipynb, "A check that learning happens"): opt in.
pytestmark = pytest.mark.skipif(os.environ.get("SEIZURE_NB_LEARNING_CHECK") != "1",
                                reason="set SEIZURE_NB_LEARNING_CHECK=1 to run the learning check (several CPU minutes)")
MARGIN = 0.1  # dev AUROC points above the untrained model, or above chance (0.5) when the untrained model is worse
# (an untrained model can rank seizures below background: AUROC 0.19 measured here; any training, even on shuffled
# labels, moves that towards 0.5, which is not learning)
CONFIG = {"model.d_model": 8, "model.d_edge": 4, "model.d_state": 4, "model.encoder_stride": 64, "model.edge_pool": 4,
          "model.n_graph_layers": 1, "data.window_s": 30.0, "data.stride_s": 10.0, "train.epochs": 3,
          "train.batch_size": 8, "train.lr": 0.005, "train.warmup_steps": 5, "train.device": "cpu",
          "train.precision": "fp32", "train.select_metric": "dev/auroc", "log.wandb": "disabled",
          "log.tensorboard": False, "train.seed": 0}

def shuffle_labels(root, seed:int=0):
    "Move each train recording's seizures to random times (circular shift): same count and lengths, unrelated to the EEG."
    rng = np.random.default_rng(seed)
    for bi in sorted((root / "edf" / "train").rglob("*.csv_bi")):
        hdr, events, _ = read_annotations(bi)
        dur = float(hdr["duration"].split()[0])  # "301.00 secs"
        shift, spans = rng.uniform(0, dur), []
        for s, e in seizure_intervals(events):
            s, e = (s + shift) % dur, (s + shift) % dur + (e - s)
            spans += [(s, min(e, dur))] + ([(0.0, e - dur)] if e > dur else [])
        merged = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]: merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else: merged.append((s, e))
        write_annotations(bi, binary_events([(round(s, 4), round(e, 4)) for s, e in merged], dur), dur)
        bi.with_suffix(".csv").unlink()  # optional in TUSZ; it would disagree with the shuffled .csv_bi

class Blind(DualStreamMamba):
    "A broken model: it never sees its input (zeros of the same shape)."
    def forward(self, x): return super().forward(torch.zeros_like(x))

def dev_auroc(model, cfg) -> float:
    "Per-second AUROC of `model` over every dev window."
    m = scan_cache(cfg.data.cache_dir, cfg.data.manifest_params, required=("train", "dev"))["dev"]
    probs, labels, _ = predict_windows(model, WindowDataset(m, cfg.data.cache_dir), 16, torch.device("cpu"), "fp32")
    return auroc(probs[labels >= 0], labels[labels >= 0])

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("learning")
    make_synthetic_corpus(root / "tusz", n_patients=(10, 4, 0), recordings_per_patient=2, duration=(240, 300),
                          seed=5, kind="realistic")  # seed 5: 6 train and 5 dev seizures
    shutil.copytree(root / "tusz", root / "shuffled")
    shuffle_labels(root / "shuffled")
    for name in ("tusz", "shuffled"): build_cache(root / name, root / f"cache_{name}", workers=2)
    return root

def run(root, name:str, data:str="tusz", model_cls=DualStreamMamba, monkeypatch=None) -> tuple[float, float]:
    "Untrained and trained dev AUROC of one short run (the real dev labels in both cases)."
    cfg = load_config(**CONFIG, **{"data.data_dir": str(root / data), "data.cache_dir": str(root / f"cache_{data}"),
                                   "log.out_dir": str(root / f"run_{name}")})
    if monkeypatch: monkeypatch.setattr(seizure_nb.train, "DualStreamMamba", model_cls)
    seizure_nb.train.train(cfg)
    torch.manual_seed(cfg.train.seed)
    untrained = dev_auroc(model_cls(cfg.model).eval(), cfg)
    model = model_cls(cfg.model); model.load_state_dict(torch.load(root / f"run_{name}" / "last.pt", weights_only=True)["model"])
    return untrained, dev_auroc(model.eval(), cfg)

def test_training_beats_the_untrained_model(corpus):
    untrained, trained = run(corpus, "real")
    assert trained >= max(untrained, 0.5) + MARGIN, f"dev AUROC {trained:.3f}, untrained {untrained:.3f}"

def test_shuffled_labels_do_not(corpus):
    untrained, trained = run(corpus, "shuffled", data="shuffled")
    assert trained < max(untrained, 0.5) + MARGIN, f"dev AUROC {trained:.3f} after training on shuffled labels, untrained {untrained:.3f}"

def test_a_blind_model_does_not(corpus, monkeypatch):
    untrained, trained = run(corpus, "blind", model_cls=Blind, monkeypatch=monkeypatch)
    assert trained < max(untrained, 0.5) + MARGIN, f"dev AUROC {trained:.3f} of a model that never sees its input, untrained {untrained:.3f}"

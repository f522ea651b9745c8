"""Suggest a request category from an order's description (SR-3, triage of TMF621 tickets).

The method measured in the team's research (``shared/research/cjk.md`` §4): TF-IDF over character
unigrams and pairs — Chinese needs no segmenter for this, and pairs carry most of the signal — and a
linear model, here multinomial logistic regression trained by stochastic gradient descent, so its
scores are probabilities the triage screen can show as a confidence. Pure Python: a few thousand
archived orders train in seconds, one suggestion takes well under a millisecond per class.

* :func:`train` reads archived orders (their description and title, labelled with their category's
  code — codes outlive category-set revisions) and writes the model as JSON to
  ``KEFU_DATA_DIR/classifier/category.json`` (never committed, never pickled);
  ``kefu classify train`` runs it.
* :func:`suggest` ranks the categories of an order's request type for a text and returns the best
  few with their probability; it never changes an order — the back office categorises.
"""

from __future__ import annotations

import json
import math
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from kefu.catalog.models import CategoryNode
from kefu.workorders.choices import WorkOrderKind, WorkOrderState
from kefu.workorders.models import WorkOrder

MODEL_VERSION = 1
MIN_DOCUMENTS = 2  # per category: a category seen once is no evidence
MIN_TERM_DOCUMENTS = 2  # a term of one order only is noise (and most of the vocabulary)
MIN_WEIGHT = 1e-3  # weights closer to zero are dropped from the file


def model_path() -> Path:
    return Path(settings.DATA_DIR) / "classifier" / "category.json"


# --- features ------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case, letters and digits only — punctuation and spaces
    break the character pairs, so a pair never spans two phrases."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(c if c.isalnum() else " " for c in text)


def terms(text: str) -> Counter:
    """Character unigrams and pairs of ``text`` (within each run of letters and digits)."""
    counts: Counter = Counter()
    for run in _normalise(text).split():
        counts.update(run)
        counts.update(run[i : i + 2] for i in range(len(run) - 1))
    return counts


def _vector(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF × IDF, L2-normalised; terms the model never saw are left out."""
    weights = {t: (1.0 + math.log(n)) * idf[t] for t, n in counts.items() if t in idf}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


# --- training ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainResult:
    documents: int
    categories: int
    features: int
    path: Path


def training_rows(*, limit: int = 20000) -> list[tuple[str, str, str]]:
    """(text, category code, request type) of the most recent archived orders with a category."""
    rows = (
        WorkOrder.objects.filter(state=WorkOrderState.ARCHIVED, category__isnull=False)
        .order_by("-id")
        .values_list("title", "description", "category__code", "category__request_type")[:limit]
    )
    return [(f"{title} {description}".strip(), code, rtype) for title, description, code, rtype in rows]


def fit(
    rows: list[tuple[str, str, str]], *, epochs: int = 12, rate: float = 0.5, l2: float = 1e-4, seed: int = 7
) -> dict:
    """The model (a JSON-able dict) for ``rows`` of (text, category code, request type)."""
    per_class = Counter(code for _t, code, _r in rows)
    rows = [r for r in rows if per_class[r[1]] >= MIN_DOCUMENTS]
    classes = sorted({code for _t, code, _r in rows})
    if len(classes) < 2:
        raise ValueError("training needs archived orders of at least two categories")
    request_type = {code: rtype for _t, code, rtype in rows}
    documents = [terms(text) for text, _c, _r in rows]
    df: Counter = Counter()
    for counts in documents:
        df.update(counts.keys())
    n = len(documents)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items() if d >= MIN_TERM_DOCUMENTS}
    vectors = [_vector(counts, idf) for counts in documents]
    index = {code: i for i, code in enumerate(classes)}
    labels = [index[code] for _t, code, _r in rows]
    k = len(classes)
    weights: dict[str, list[float]] = {}
    bias = [0.0] * k
    order = list(range(n))
    shuffle = random.Random(seed).shuffle
    step = 0
    for _epoch in range(epochs):
        shuffle(order)
        for i in order:
            step += 1
            eta = rate / (1.0 + rate * l2 * step)
            x, y = vectors[i], labels[i]
            scores = bias[:]
            for term, value in x.items():
                row = weights.get(term)
                if row is not None:
                    for c in range(k):
                        scores[c] += row[c] * value
            probabilities = _softmax(scores)
            probabilities[y] -= 1.0  # the gradient of the log loss on the scores
            for c in range(k):
                bias[c] -= eta * probabilities[c]
            for term, value in x.items():
                row = weights.setdefault(term, [0.0] * k)
                for c in range(k):
                    row[c] -= eta * (probabilities[c] * value + l2 * row[c])
    kept = {}
    for term, row in weights.items():
        sparse = {str(c): round(w, 5) for c, w in enumerate(row) if abs(w) >= MIN_WEIGHT}
        if sparse:
            kept[term] = sparse
    return {
        "version": MODEL_VERSION,
        "trained_at": timezone.now().isoformat(),
        "documents": n,
        "classes": classes,
        "request_types": [request_type[c] for c in classes],
        "bias": [round(b, 5) for b in bias],
        "idf": {t: round(v, 5) for t, v in idf.items() if t in kept},
        "weights": kept,
    }


def train(*, limit: int = 20000, path: Path | None = None) -> TrainResult:
    """Train on the archived orders and write the model file (atomically: a reader never sees half)."""
    model = fit(training_rows(limit=limit))
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    partial.replace(path)
    _loaded.clear()
    return TrainResult(model["documents"], len(model["classes"]), len(model["weights"]), path)


# --- suggesting ----------------------------------------------------------------------------------

_loaded: dict[tuple[str, float], dict] = {}


def load(path: Path | None = None) -> dict | None:
    """The model in ``path`` (cached until the file changes), or None when there is none yet."""
    path = path or model_path()
    try:
        stamp = path.stat().st_mtime
    except FileNotFoundError:
        return None
    key = (str(path), stamp)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = json.loads(path.read_text(encoding="utf-8"))
    return _loaded[key]


@dataclass(frozen=True)
class Suggestion:
    category: CategoryNode
    confidence: float  # the model's probability, 0..1, among the categories of the request type

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def suggest(text: str, *, kind: str, top: int = 3, path: Path | None = None) -> list[Suggestion]:
    """The ``top`` categories of ``kind``'s request type the model finds likeliest for ``text``,
    best first, each with its probability (renormalised over that request type's categories), as
    nodes of the current category set. Empty without a model or a text."""
    model = load(path)
    request_type = WorkOrderKind.REQUEST_TYPE.get(kind)
    if model is None or not request_type or not (text or "").strip():
        return []
    allowed = [i for i, rtype in enumerate(model["request_types"]) if rtype == request_type]
    if not allowed:
        return []
    x = _vector(terms(text), model["idf"])
    scores = list(model["bias"])
    for term, value in x.items():
        for c, w in model["weights"].get(term, {}).items():
            scores[int(c)] += w * value
    probabilities = _softmax([scores[i] for i in allowed])
    ranked = sorted(zip(allowed, probabilities, strict=True), key=lambda p: -p[1])
    codes = [model["classes"][i] for i, _p in ranked[: top * 2]]
    nodes = {
        n.code: n
        for n in CategoryNode.objects.filter(code__in=codes, version__is_current=True).select_related(
            "business", "parent"
        )
    }
    found = [Suggestion(nodes[model["classes"][i]], p) for i, p in ranked if model["classes"][i] in nodes]
    return found[:top]

"""Erlang B, C and A: the queueing figures behind staffing (issue 14 item 7; SP-3, ST-1).

Pure Python, no Django. Notation (``research/acd.md`` §3): ``A = λ·AHT`` erlangs of offered load, ``N``
agents, ``T`` the service-level threshold in seconds, ``AHT`` the average handle time in seconds.

- **Erlang B** by the recursion ``B(k) = A·B(k−1) / (k + A·B(k−1))``: no ``A**N / N!``, so no float
  overflow at thousands of agents.
- **Erlang C** (M/M/N, callers wait for ever): P(wait), SL(T), ASA and occupancy in closed form from B.
- **Erlang A** (M/M/N+M, exponential patience with mean ``patience``): the birth–death chain of the
  number of calls in the system (up at λ, down at ``min(k, N)·μ + max(k − N, 0)·θ``), summed relative to
  the state ``N`` so that nothing overflows, truncated where the tail is negligible. The service level
  uses the tagged-customer chain: a caller who finds ``j`` calls queued ahead moves up at rate
  ``N·μ + m·θ`` (``m`` still ahead) and leaves at rate θ; P(answered within T) comes from
  uniformization of that chain, ASA of answered calls from its stage means.
- **Staffing**: the smallest ``N`` that meets the service-level target, raised to the occupancy cap,
  then divided by ``1 − shrinkage`` (shrinkage is applied after the queueing calculation).
- **Pooling**: ``k`` city groups of ``A/k`` each against one pool of ``A`` (the Halfin–Whitt effect:
  ``N ≈ A + β·√A``, so small groups need proportionally more agents).

The service level here is *answered within T / offered*: with abandonment, a caller who leaves counts
against it, whenever they leave.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

# the birth–death chain is cut where a state's weight falls below this share of the sum so far
_TAIL = 1e-15
# the chain's weights are divided by this when they grow past it (no float overflow)
_RESCALE = 1e200


class ErlangError(ValueError):
    """Input no queueing figure can be computed from (a negative load, no agents, …)."""


def _check(load: float, agents: int, aht: float) -> None:
    if not math.isfinite(load) or load < 0:
        raise ErlangError(f"offered load must be a finite number ≥ 0, not {load!r}")
    if not isinstance(agents, int) or agents < 1:
        raise ErlangError(f"agents must be a whole number ≥ 1, not {agents!r}")
    if not math.isfinite(aht) or aht <= 0:
        raise ErlangError(f"average handle time must be > 0 seconds, not {aht!r}")


def offered_load(calls: float, interval: float, aht: float) -> float:
    """Erlangs offered by ``calls`` arriving in ``interval`` seconds, each held ``aht`` seconds."""
    if not math.isfinite(calls) or calls < 0:
        raise ErlangError(f"calls must be ≥ 0, not {calls!r}")
    if not math.isfinite(interval) or interval <= 0:
        raise ErlangError(f"the interval must be > 0 seconds, not {interval!r}")
    if not math.isfinite(aht) or aht <= 0:
        raise ErlangError(f"average handle time must be > 0 seconds, not {aht!r}")
    return calls * aht / interval


# --- Erlang B and C ------------------------------------------------------------------------------


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of ``agents`` servers offered ``load`` erlangs (no waiting room)."""
    if load < 0 or agents < 0:
        raise ErlangError("load and agents must be ≥ 0")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(load: float, agents: int) -> float:
    """P(wait) of an M/M/N queue; 1.0 when the load reaches the agents (the queue grows for ever)."""
    if agents <= load:
        return 1.0
    b = erlang_b(load, agents)
    return agents * b / (agents - load * (1.0 - b))


@dataclass(frozen=True)
class QueueFigures:
    """The figures of one staffing level. ``abandon_probability`` and ``mean_wait_all`` are those of
    Erlang A (0 and the Erlang C mean wait without patience)."""

    model: str  # "erlang_c" | "erlang_a"
    load: float
    agents: int
    wait_probability: float
    service_level: float
    asa_seconds: float  # mean wait of answered calls
    occupancy: float
    abandon_probability: float = 0.0
    mean_wait_all: float = 0.0  # mean wait over every arrival (answered or not)

    def as_dict(self) -> dict:
        return asdict(self)


def erlang_c_figures(load: float, agents: int, *, aht: float, threshold: float) -> QueueFigures:
    """Erlang C: P(wait), SL(T) = 1 − C·e^(−(N−A)·T/AHT), ASA = C·AHT/(N − A), occupancy A/N.
    With ``N ≤ A`` the queue is unstable: SL 0, P(wait) 1, ASA infinite, occupancy 1."""
    _check(load, agents, aht)
    if agents <= load:
        return QueueFigures("erlang_c", load, agents, 1.0, 0.0, math.inf, 1.0, 0.0, math.inf)
    c = erlang_c(load, agents)
    sl = 1.0 - c * math.exp(-(agents - load) * max(threshold, 0.0) / aht)
    asa = c * aht / (agents - load)
    return QueueFigures("erlang_c", load, agents, c, max(0.0, min(1.0, sl)), asa, load / agents, 0.0, asa)


# --- Erlang A ------------------------------------------------------------------------------------


def _queue_weights(load: float, agents: int, aht: float, patience: float) -> tuple[float, list[float]]:
    """The birth–death chain relative to state N: ``(Σ_{k<N} π_k/π_N, [π_{N+j}/π_N for j = 0, 1, …])``."""
    b = erlang_b(load, agents)
    below = (1.0 / b - 1.0) if b > 0 else math.inf  # Σ_{k≤N} π_k/π_N = 1/B for the loss part
    lam = load / aht
    mu_n = agents / aht
    theta = 1.0 / patience
    weights = [1.0]
    total = 1.0
    w = 1.0
    j = 0
    while True:
        j += 1
        w *= lam / (mu_n + j * theta)
        if w > _RESCALE:  # far fewer agents than erlangs: the queue's weights outgrow a float
            weights = [x / _RESCALE for x in weights]
            w, total, below = w / _RESCALE, total / _RESCALE, below / _RESCALE
        weights.append(w)
        total += w
        if w < _TAIL * total and lam < mu_n + j * theta:
            break
        if j > 10_000_000:  # unreachable for a finite patience; a guard against a bad float
            raise ErlangError("the Erlang A chain did not converge")
    return below, weights


def _poisson_weights(rate_t: float) -> tuple[int, list[float]]:
    """Poisson(rate_t) probabilities from 0 up to 10 standard deviations past the mean."""
    if rate_t <= 0:
        return 0, [1.0]
    top = int(rate_t + 10.0 * math.sqrt(rate_t) + 20)
    logs = [-rate_t + n * math.log(rate_t) - math.lgamma(n + 1) for n in range(top + 1)]
    probs = [math.exp(x) for x in logs]
    return top, probs


def _answered_within(
    arrivals: list[float], agents: int, aht: float, patience: float, threshold: float
) -> float:
    """Σ_j arrivals[j]·P(answered within ``threshold`` | j queued ahead), by uniformization of the
    tagged-customer chain (states: m ahead, m = 0…J; absorbing: answered, abandoned)."""
    if threshold <= 0 or not arrivals:
        return 0.0
    mu_n = agents / aht
    theta = 1.0 / patience
    # a caller with j ahead needs j + 1 moves, each at a rate below μN + (j+1)θ: past 10 standard
    # deviations of the moves possible within T the chance is nil, so those states are left out
    size = len(arrivals)
    for j in range(size):
        moves = (mu_n + (j + 1) * theta) * threshold
        if j + 1 > moves + 10.0 * math.sqrt(moves) + 20:
            size = j
            break
    if size == 0:
        return 0.0
    arrivals = arrivals[:size]
    top_rate = mu_n + size * theta  # the largest exit rate: state m = size − 1 exits at μN + (m+1)θ
    n_max, poisson = _poisson_weights(top_rate * threshold)
    up = [(mu_n + m * theta) / top_rate for m in range(size)]  # to m − 1 (m = 0: answered)
    stay = [1.0 - (mu_n + (m + 1) * theta) / top_rate for m in range(size)]
    v = list(arrivals)
    answered = 0.0  # mass absorbed as answered after n uniformized steps
    result = 0.0
    for n in range(n_max + 1):
        result += poisson[n] * answered
        answered += v[0] * up[0]
        nxt = [v[m] * stay[m] + v[m + 1] * up[m + 1] for m in range(size - 1)]
        nxt.append(v[size - 1] * stay[size - 1])
        v = nxt
    return result


def erlang_a_figures(
    load: float, agents: int, *, aht: float, threshold: float, patience: float
) -> QueueFigures:
    """Erlang A (M/M/N+M, mean patience ``patience`` seconds): stable for any N thanks to abandonment."""
    _check(load, agents, aht)
    if not math.isfinite(patience) or patience <= 0:
        raise ErlangError(f"patience must be > 0 seconds, not {patience!r}")
    if load == 0:
        return QueueFigures("erlang_a", 0.0, agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    below, weights = _queue_weights(load, agents, aht, patience)
    total = below + sum(weights)
    pi = [w / total for w in weights]  # π_{N+j}: j calls queued (PASTA: what an arrival sees)
    wait_probability = sum(pi)
    lam = load / aht
    theta = 1.0 / patience
    mu_n = agents / aht
    queued = sum(j * p for j, p in enumerate(pi))
    abandon = theta * queued / lam  # P(Ab) = θ·E[W] (Little), E[W] = E[Q]/λ
    # answered calls' waits: with j ahead the stages m = j…0 are Exp(μN + (m+1)θ) whatever their exit
    answered_wait = 0.0
    survive, mean = 1.0, 0.0
    for j, p in enumerate(pi):
        rate = mu_n + (j + 1) * theta
        survive *= (mu_n + j * theta) / rate
        mean += 1.0 / rate
        answered_wait += p * survive * mean
    answered = 1.0 - abandon
    asa = answered_wait / answered if answered > 0 else math.inf
    sl = (1.0 - wait_probability) + _answered_within(pi, agents, aht, patience, threshold)
    occupancy = load * answered / agents
    return QueueFigures(
        "erlang_a",
        load,
        agents,
        wait_probability,
        max(0.0, min(1.0, sl)),
        asa,
        min(1.0, occupancy),
        abandon,
        queued / lam,
    )


def figures(
    load: float, agents: int, *, aht: float, threshold: float, patience: float | None = None
) -> QueueFigures:
    """Erlang A with a patience, Erlang C without."""
    if patience is None:
        return erlang_c_figures(load, agents, aht=aht, threshold=threshold)
    return erlang_a_figures(load, agents, aht=aht, threshold=threshold, patience=patience)


# --- staffing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staffing:
    """Agents for one interval: ``raw_agents`` on the phones (the queueing answer, raised to the
    occupancy cap), ``agents`` scheduled once shrinkage is added; the figures are those of
    ``raw_agents``."""

    raw_agents: int
    agents: int
    shrinkage: float
    max_occupancy: float | None
    target: float
    threshold: float
    figures: QueueFigures

    def as_dict(self) -> dict:
        f = self.figures
        return {
            "model": f.model,
            "load_erlangs": f.load,
            "agents": self.agents,
            "raw_agents": self.raw_agents,
            "shrinkage": self.shrinkage,
            "max_occupancy": self.max_occupancy,
            "target": self.target,
            "threshold_seconds": self.threshold,
            "service_level": f.service_level,
            "wait_probability": f.wait_probability,
            "asa_seconds": f.asa_seconds,
            "occupancy": f.occupancy,
            "abandon_probability": f.abandon_probability,
        }


def staff(
    load: float,
    *,
    aht: float,
    target: float,
    threshold: float,
    patience: float | None = None,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> Staffing:
    """The smallest N with SL(T) ≥ ``target`` (Erlang C, or Erlang A with ``patience``), raised so that
    occupancy ≤ ``max_occupancy``, then ``ceil(N / (1 − shrinkage))`` scheduled."""
    if not math.isfinite(load) or load < 0:
        raise ErlangError(f"offered load must be ≥ 0, not {load!r}")
    if not math.isfinite(aht) or aht <= 0:
        raise ErlangError(f"average handle time must be > 0 seconds, not {aht!r}")
    if not (0 < target < 1):
        raise ErlangError(f"the service-level target must be between 0 and 1 (exclusive), not {target!r}")
    if not math.isfinite(threshold) or threshold < 0:
        raise ErlangError(f"the threshold must be ≥ 0 seconds, not {threshold!r}")
    if not (0 <= shrinkage < 1):
        raise ErlangError(f"shrinkage must be in [0, 1), not {shrinkage!r}")
    if max_occupancy is not None and not (0 < max_occupancy <= 1):
        raise ErlangError(f"the occupancy cap must be in (0, 1], not {max_occupancy!r}")
    if patience is not None and (not math.isfinite(patience) or patience <= 0):
        raise ErlangError(f"patience must be > 0 seconds, not {patience!r}")
    if patience is None:
        n = _erlang_c_agents(load, aht=aht, target=target, threshold=threshold)
    else:
        n = _erlang_a_agents(load, aht=aht, target=target, threshold=threshold, patience=patience)
    result = figures(load, n, aht=aht, threshold=threshold, patience=patience)
    if max_occupancy is not None:
        while result.occupancy > max_occupancy + 1e-12:
            # occupancy falls as N rises (A·(1 − P(Ab))/N): step straight to A/cap, then one by one
            n = max(n + 1, math.ceil(load / max_occupancy - 1e-9))
            result = figures(load, n, aht=aht, threshold=threshold, patience=patience)
    scheduled = math.ceil(n / (1.0 - shrinkage) - 1e-9)
    return Staffing(n, scheduled, shrinkage, max_occupancy, target, threshold, result)


def _erlang_c_agents(load: float, *, aht: float, target: float, threshold: float) -> int:
    """Raise N from ⌊A⌋+1, carrying Erlang B along (one step of the recursion per agent)."""
    n = max(1, math.floor(load) + 1)
    b = erlang_b(load, n)
    while True:
        c = n * b / (n - load * (1.0 - b)) if n > load else 1.0
        sl = 1.0 - c * math.exp(-(n - load) * threshold / aht) if n > load else 0.0
        if sl >= target or load == 0:
            return n
        n += 1
        b = load * b / (n + load * b)


def _erlang_a_agents(load: float, *, aht: float, target: float, threshold: float, patience: float) -> int:
    """Bisection on N (SL rises with N); the upper end is the Erlang C answer or found by doubling."""
    if load == 0:
        return 1

    def ok(n: int) -> bool:
        return (
            erlang_a_figures(load, n, aht=aht, threshold=threshold, patience=patience).service_level >= target
        )

    high = _erlang_c_agents(load, aht=aht, target=target, threshold=threshold)
    while not ok(high):  # a short patience can need more than Erlang C (abandons count against SL)
        high *= 2
    # SL ≤ P(answered) ≤ N/A (N agents answer at most Nμ of λ): below target·A the target is missed
    low = max(0, math.ceil(target * load) - 1)  # ok(low) is false (or low is 0)
    while high - low > 1:
        mid = (low + high) // 2
        if ok(mid):
            high = mid
        else:
            low = mid
    return high


# --- pooling -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolingComparison:
    """One pool of every call against ``len(shares)`` city groups each taking its share of the load."""

    pooled: Staffing
    per_city: tuple[Staffing, ...]

    @property
    def per_city_agents(self) -> int:
        return sum(s.agents for s in self.per_city)

    @property
    def per_city_raw_agents(self) -> int:
        return sum(s.raw_agents for s in self.per_city)

    @property
    def saved(self) -> int:
        """Agents the single pool saves against the separate city groups."""
        return self.per_city_agents - self.pooled.agents

    def as_dict(self) -> dict:
        return {
            "pooled": self.pooled.as_dict(),
            "per_city": [s.as_dict() for s in self.per_city],
            "per_city_agents": self.per_city_agents,
            "per_city_raw_agents": self.per_city_raw_agents,
            "saved_agents": self.saved,
        }


def compare_pooling(
    load: float,
    *,
    cities: int | None = None,
    shares: list[float] | None = None,
    pooled_as: Staffing | None = None,
    **staffing: float | None,
) -> PoolingComparison:
    """Staff ``load`` as one pool and as separate city groups: ``cities`` equal groups (load A/k each)
    or groups with the given ``shares`` of the load (normalised). ``staffing`` are :func:`staff`'s
    keywords (aht, target, threshold, patience, shrinkage, max_occupancy). ``pooled_as``: the pool's
    :func:`staff` answer for the same load and keywords, when the caller has it already."""
    if shares is None:
        if cities is None or cities < 1:
            raise ErlangError(f"the number of cities must be ≥ 1, not {cities!r}")
        shares = [1.0] * cities
    if not shares or any(s < 0 or not math.isfinite(s) for s in shares) or sum(shares) <= 0:
        raise ErlangError("city shares must be ≥ 0 and add up to more than 0")
    total = sum(shares)
    given = pooled_as is not None and pooled_as.figures.load == load
    pooled = pooled_as if given else staff(load, **staffing)
    done: dict[float, Staffing] = {}  # equal shares are staffed once
    per_city = []
    for share in shares:
        if share not in done:
            done[share] = staff(load * share / total, **staffing)
        per_city.append(done[share])
    return PoolingComparison(pooled, tuple(per_city))


def halfin_whitt_beta(load: float, agents: int) -> float:
    """β in N = A + β·√A: the square-root safety staffing of a staffing level."""
    return (agents - load) / math.sqrt(load) if load > 0 else math.inf

"""The Kalman filter and smoother against dense brute-force Gaussian algebra.

For short series the joint distribution of the observed y is written down
directly.  With α_1 = a_1 + B δ + L u (δ diffuse, u ~ N(0, I)) every
observed element is  y = μ + X δ + W ξ + e,  ξ = (u, η_1, …) ~ N(0, I),
e ~ N(0, diag h).  With Σ = W W' + diag(h):

  proper prior (no δ):  ℓ = log N(y; μ, Σ)
  exact diffuse:        ℓ = −(N/2) log 2π − ½ log|Σ| − ½ log|X'Σ⁻¹X| − ½ r'(Σ⁻¹ − Σ⁻¹X(X'Σ⁻¹X)⁻¹X'Σ⁻¹) r

(the diffuse form is lim_{κ→∞} [log p_κ(y) + (d/2) log κ], which keeps ½ log 2π
per diffuse observation — summitcast's documented convention), and
E(α_t | y) follows from Gaussian conditioning with δ at its GLS estimate.
"""

from __future__ import annotations

import numpy as np
import pytest

from summitcast.statespace import kalman_filter


def random_system(rng, n, p, m, r, time_varying):
    def maybe_tv(make):
        return np.stack([make() for _ in range(n)]) if time_varying else make()

    Z = maybe_tv(lambda: rng.normal(size=(p, m)))
    H = maybe_tv(lambda: np.diag(rng.uniform(0.2, 1.0, p)))
    T = maybe_tv(lambda: np.eye(m) * 0.9 + 0.1 * rng.normal(size=(m, m)))
    R = maybe_tv(lambda: rng.normal(size=(m, r)))
    Q = maybe_tv(lambda: (lambda A: A @ A.T + 0.1 * np.eye(r))(rng.normal(size=(r, r))))
    d = rng.normal(size=(n, p))
    c = rng.normal(size=(n, m)) * 0.1
    return Z, H, T, R, Q, d, c


def at(M, t):
    return M[t] if M.ndim == 3 else M


def dense_oracle(y, Z, H, T, R, Q, d, c, a1, P1, diffuse_idx):
    """Brute-force log-likelihood and smoothed states."""
    n, p = y.shape
    m = a1.size
    r = at(R, 0).shape[1]
    L = np.linalg.cholesky(P1 + 1e-300 * np.eye(m)) if np.any(P1) else np.zeros((m, m))
    B = np.eye(m)[:, diffuse_idx]
    k_d = B.shape[1]
    k_xi = m + n * r
    # α_t = b_t + A_t δ + C_t ξ
    b = a1.copy()
    A = B.copy()
    C = np.zeros((m, k_xi))
    C[:, :m] = L
    rows_mu, rows_X, rows_W, rows_h, obs = [], [], [], [], []
    states = []
    for t in range(n):
        states.append((b.copy(), A.copy(), C.copy()))
        for i in range(p):
            if np.isnan(y[t, i]):
                continue
            z = at(Z, t)[i]
            rows_mu.append(d[t, i] + z @ b)
            rows_X.append(z @ A)
            rows_W.append(z @ C)
            rows_h.append(at(H, t)[i, i])
            obs.append(y[t, i])
        Tt = at(T, t)
        Qroot = np.linalg.cholesky(at(Q, t))
        b = Tt @ b + c[t]
        A = Tt @ A
        C = Tt @ C
        C[:, m + t * r : m + (t + 1) * r] += at(R, t) @ Qroot
    mu = np.array(rows_mu)
    X = np.array(rows_X).reshape(len(obs), k_d)
    W = np.array(rows_W)
    Sigma = W @ W.T + np.diag(rows_h)
    resid = np.array(obs) - mu
    N = len(obs)
    Si = np.linalg.inv(Sigma)
    _, logdet = np.linalg.slogdet(Sigma)
    if k_d:
        XtSiX = X.T @ Si @ X
        _, logdet_x = np.linalg.slogdet(XtSiX)
        delta = np.linalg.solve(XtSiX, X.T @ Si @ resid)
        M = Si - Si @ X @ np.linalg.solve(XtSiX, X.T @ Si)
        ll = -0.5 * (N * np.log(2 * np.pi) + logdet + logdet_x + resid @ M @ resid)
    else:
        delta = np.zeros(0)
        ll = -0.5 * (N * np.log(2 * np.pi) + logdet + resid @ Si @ resid)
    e = resid - X @ delta
    smoothed = np.array([bt + At @ delta + Ct @ W.T @ Si @ e for bt, At, Ct in states])
    # with δ estimated, the smoothed states also carry (A_t − C_t W'Σ⁻¹X) δ̂'s uncertainty;
    # only means are compared here.
    return ll, smoothed


@pytest.mark.parametrize("time_varying", [False, True], ids=["invariant", "time-varying"])
@pytest.mark.parametrize("diffuse", [False, True], ids=["proper", "diffuse"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_filter_and_smoother_equal_dense_gaussian(seed, diffuse, time_varying):
    rng = np.random.default_rng(seed)
    n, p, m, r = 25, 2, 3, 2
    Z, H, T, R, Q, d, c = random_system(rng, n, p, m, r, time_varying)
    y = rng.normal(size=(n, p)) * 2
    y[3, :] = np.nan  # a whole missing row
    y[7, 1] = np.nan  # a partly missing row
    y[12:15, 0] = np.nan  # a block in one series
    a1 = rng.normal(size=m)
    if diffuse:
        diffuse_idx = [0, 2]
        P1 = np.zeros((m, m))
        P1[1, 1] = 1.5
        P1_diffuse = np.diag([1.0, 0.0, 1.0])
    else:
        diffuse_idx = []
        A0 = rng.normal(size=(m, m))
        P1 = A0 @ A0.T + np.eye(m)
        P1_diffuse = None
    ll_oracle, smoothed_oracle = dense_oracle(y, Z, H, T, R, Q, d, c, a1, P1, diffuse_idx)
    out = kalman_filter(y, Z, H, T, R, Q, a1, P1=P1, P1_diffuse=P1_diffuse, d=d, c=c, smooth=True)
    assert out["loglike"] == pytest.approx(ll_oracle, rel=1e-10)
    assert np.allclose(out["smoothed_state"], smoothed_oracle, rtol=1e-8, atol=1e-8)


def test_steady_state_shortcut_changes_nothing():
    rng = np.random.default_rng(5)
    n = 400
    Z = np.array([[1.0, 0.0]])
    T = np.array([[1.0, 1.0], [0.0, 1.0]])
    R = np.eye(2)
    Q = np.diag([0.3, 0.01])
    H = np.array([[1.0]])
    y = np.cumsum(np.cumsum(rng.normal(0, 0.1, n))) + rng.normal(size=n)
    y[200:210] = np.nan  # breaks and restarts the steady state
    kw = dict(a1=np.zeros(2), P1_diffuse=np.eye(2))
    fast = kalman_filter(y, Z, H, T, R, Q, steady_state=True, **kw)
    slow = kalman_filter(y, Z, H, T, R, Q, steady_state=False, **kw)
    assert fast["converged_at"] > 0
    assert slow["converged_at"] == -1
    assert fast["loglike"] == pytest.approx(slow["loglike"], rel=1e-12)
    assert np.allclose(fast["smoothed_state"], slow["smoothed_state"], rtol=1e-9, atol=1e-9)


def test_non_diagonal_H_is_rejected():
    Z = np.eye(2)
    with pytest.raises(ValueError, match="H must be diagonal"):
        kalman_filter(np.zeros((5, 2)), Z, np.array([[1.0, 0.5], [0.5, 1.0]]), np.eye(2), np.eye(2), np.eye(2),
                      np.zeros(2), P1=np.eye(2))

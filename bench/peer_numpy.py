"""The NumPy peer of `npm run bench`: the algorithm of scratchnet's Network.fit, written the way
article 002 writes its training loop (a list of layers, a forward pass that keeps Z and A, a
backward pass of matrix products), but with the exact gradients.

    python3 bench/peer_numpy.py WORKLOAD.json REPEATS BUDGET_SECONDS [OUT.f64]

Reads one workload written by bench/workloads.ts (data, starting weights, options), warms up
(a tenth of the epochs, or one matmul sample), then runs it REPEATS times (fewer once
BUDGET_SECONDS have passed: 3, or 1 if that run alone took longer),
and prints one line of JSON: the time of each run, the loss after the last epoch, the peak RSS.
A matmul workload writes its product C to OUT.f64 so that bench/run.ts can compare it with ours.
"""
import json
import resource
import sys
import time


import numpy as np


# --- activations: forward A = f(Z), and backward dZ = dA * f'(Z) ---------------------------------

def relu(Z):
    return np.maximum(Z, 0)


def relu_backward(Z, A, dA):
    return dA * (Z > 0)


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def sigmoid_backward(Z, A, dA):
    return dA * A * (1 - A)


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


ACTIVATIONS = {"relu": (relu, relu_backward), "sigmoid": (sigmoid, sigmoid_backward), "softmax": (softmax, None)}


# --- losses, as in src/core/losses.ts --------------------------------------------------------------

EPS = 1e-12


def mse(A, y):
    return np.mean((y - A) ** 2)


def cross_entropy(P, labels):
    # labels: (n,) integers; the mean over rows of -log p[label], clipped like ours.
    p = P[np.arange(len(labels)), labels]
    return -np.mean(np.log(np.clip(p, EPS, 1 - EPS)))


# --- the network -------------------------------------------------------------------------------

def forward(layers, X):
    """Feedforward, keeping each layer's input, Z and A for the backward pass."""
    cache = []
    A = X
    for W, b, act in layers:
        Z = A @ W + b  # (n, nOut)
        A_next = ACTIVATIONS[act][0](Z)
        cache.append((A, Z, A_next))
        A = A_next
    return A, cache


def backward(layers, cache, y, loss, lr):
    """Exact gradients from the output back, and the SGD step of every layer."""
    A_in, Z, A = cache[-1]
    n = A.shape[0]
    if loss == "mse":
        dA = 2 * (A - y) / A.size
        dZ = ACTIVATIONS[layers[-1][2]][1](Z, A, dA)
    else:  # softmax + cross-entropy: f'(Z) cancels, dZ = (P - onehot(y)) / n
        dZ = A.copy()
        dZ[np.arange(n), y] -= 1
        dZ /= n
    for l in range(len(layers) - 1, -1, -1):
        W, b, act = layers[l]
        A_in, Z, A = cache[l]
        if l < len(layers) - 1:
            dZ = ACTIVATIONS[act][1](Z, A, dA)
        dW = A_in.T @ dZ  # (nIn, nOut)
        db = dZ.sum(axis=0, keepdims=True)  # (1, nOut)
        if l > 0:
            dA = dZ @ W.T  # (n, nIn), with W before its update
        W -= lr * dW
        b -= lr * db


def fit(layers, X, y, loss, lr, epochs, batch_size):
    """Mini-batch gradient descent in row order; returns the loss over all rows after each epoch.

    Like Network.fit, full-batch training reuses the forward pass that measured the loss as the
    next epoch's forward pass, so each epoch costs one forward and one backward pass.
    """
    loss_fn = mse if loss == "mse" else cross_entropy
    n = X.shape[0]
    history = []
    full = batch_size >= n
    output = None
    for epoch in range(epochs):
        if full:
            if output is None:
                output = forward(layers, X)
            backward(layers, output[1], y, loss, lr)
        else:
            for start in range(0, n, batch_size):
                Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
                _, cache = forward(layers, Xb)
                backward(layers, cache, yb, loss, lr)
        output = forward(layers, X)
        history.append(loss_fn(output[0], y))
    return history


# --- the benchmark protocol --------------------------------------------------------------------

# As WARM_UP_SECONDS in bench/protocol.ts: warm-up runs until this long has passed (at least one).
WARM_UP_SECONDS = 1.0


def timed_runs(run, repeats, budget, warm_up=None):
    """Warm-up runs for WARM_UP_SECONDS, then `repeats` timed runs, stopping early once `budget`
    seconds have passed: after 3 runs, or after the first if that one alone took longer (as
    bench/protocol.ts). Returns the timed seconds, the last result, and the first warm-up's seconds."""
    warm_up = warm_up or run
    warm_begin = time.perf_counter()
    cold_seconds, _ = warm_up()
    while time.perf_counter() - warm_begin < WARM_UP_SECONDS:
        warm_up()
    seconds, result = [], None
    begin = time.perf_counter()
    while len(seconds) < repeats:
        t, result = run()
        seconds.append(t)
        if time.perf_counter() - begin > budget and (len(seconds) >= 3 or seconds[0] > budget):
            break
    return seconds, result, cold_seconds


def train_workload(w, repeats, budget):
    X = np.array(w["X"], dtype=np.float64)
    if w["loss"] == "mse":
        y = np.array(w["y"], dtype=np.float64).reshape(-1, 1)
    else:
        y = np.array(w["y"], dtype=np.int64)
    start = [(np.array(l["W"], dtype=np.float64), np.array(l["b"], dtype=np.float64).reshape(1, -1), act)
             for l, act in zip(w["layers"], w["activations"])]

    def run(epochs):
        layers = [(W.copy(), b.copy(), act) for W, b, act in start]
        t0 = time.perf_counter()
        history = fit(layers, X, y, w["loss"], w["learningRate"], epochs, w["batchSize"])
        return time.perf_counter() - t0, history

    # Warm-up runs are a tenth of the epochs, as the other peers'.
    warm_up_epochs = max(1, round(w["epochs"] / 10))
    seconds, history, cold = timed_runs(lambda: run(w["epochs"]), repeats, budget, lambda: run(warm_up_epochs))
    return {"seconds": seconds, "loss": float(history[-1]), "firstLoss": float(history[0]), "coldSeconds": cold}


def matmul_workload(w, repeats, budget, out_path):
    n = w["n"]
    A = np.fromfile(w["A"], dtype=np.float64).reshape(n, n)
    B = np.fromfile(w["B"], dtype=np.float64).reshape(n, n)
    C = np.empty((n, n))
    # Enough products per sample to last ~0.2 s, so the clock's resolution does not matter.
    t0 = time.perf_counter()
    np.matmul(A, B, out=C)
    calls = max(1, int(0.2 / max(time.perf_counter() - t0, 1e-6)))

    def run():
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(A, B, out=C)
        return (time.perf_counter() - t) / calls, None

    seconds, _, _ = timed_runs(run, repeats, budget)
    C.tofile(out_path)
    return {"seconds": seconds, "calls": calls}


def blas_name():
    try:
        info = np.show_config(mode="dicts")
        blas = info["Build Dependencies"]["blas"]
        return f'{blas["name"]} {blas.get("version", "")}'.strip()
    except Exception:  # older NumPy: no dict mode
        return "unknown BLAS"


def main():
    path, repeats, budget = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    with open(path) as f:
        w = json.load(f)
    ready_at = time.time()  # the runner subtracts its spawn time: start-up, imports and reading the data
    ready_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if w["kind"] == "matmul":
        result = matmul_workload(w, repeats, budget, sys.argv[4])
    else:
        result = train_workload(w, repeats, budget)
    result.update({
        "peer": "numpy",
        "workload": w["id"],
        "readyAt": ready_at * 1000,
        "maxRssKB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # KB on Linux
        "readyRssKB": ready_rss,
        "version": f"NumPy {np.__version__}, Python {sys.version.split()[0]}, {blas_name()}",
    })
    print(json.dumps(result))


if __name__ == "__main__":
    main()

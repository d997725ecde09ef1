/**
 * Value: a scalar that remembers how it was computed, so that `backward()` can give every number
 * that went into it its gradient (reverse-mode automatic differentiation on scalars, the idea of
 * micrograd, in our own code). Notebook 09 has the learner write each operation.
 * Leaves out: tensors and speed. One number per node makes a graph of thousands of nodes for a
 * small network; the library's Network does the same arithmetic on matrices (notebook 09 times both).
 */

/** A Value, or a plain number that an operation turns into a constant leaf. */
export type ValueLike = Value | number;

/**
 * One node of a computation graph: its number (`data`), the operation that made it (`op`, "" for
 * a leaf), the nodes it was made from (`children`), and after `backward()` its gradient
 * `grad` = ∂(output)/∂(this node).
 *
 * Each operation states its local rule in `backwardStep`: given `out.grad`, add to each child's
 * `grad` the child's share, out.grad · ∂out/∂child. The rule adds (`+=`) because a node used twice
 * (a.mul(a)) receives a share along each use.
 *
 * @example
 * const a = new Value(2, [], "", "a"), b = new Value(-3, [], "", "b");
 * const c = a.mul(b).add(a).tanh(); c.backward(); // a.grad = (1 - c²)(b + 1), b.grad = (1 - c²)·a
 */
export class Value {
  /** ∂(output)/∂(this), filled in by `backward()` on the output; 0 until then. */
  grad = 0;
  /** This node's step of the backward pass: adds its share of `this.grad` to each child's grad. */
  backwardStep: () => void = () => {};

  constructor(
    public data: number,
    public readonly children: readonly Value[] = [],
    public readonly op = "",
    public label = "",
  ) {
    if (typeof data !== "number") throw new TypeError(`Value: data must be a number, got ${typeof data}`);
  }

  /** A Value as it is, a number as a new constant leaf. */
  static from(x: ValueLike): Value {
    if (x instanceof Value) return x;
    if (typeof x !== "number") throw new TypeError(`Value.from: expected a Value or a number, got ${describeArg(x)}`);
    return new Value(x);
  }

  /** this + other; ∂/∂this = 1, ∂/∂other = 1. */
  add(other: ValueLike): Value {
    const o = Value.from(other);
    const out = new Value(this.data + o.data, [this, o], "+");
    out.backwardStep = () => {
      this.grad += out.grad;
      o.grad += out.grad;
    };
    return out;
  }

  /** this · other; ∂/∂this = other, ∂/∂other = this. */
  mul(other: ValueLike): Value {
    const o = Value.from(other);
    const out = new Value(this.data * o.data, [this, o], "*");
    out.backwardStep = () => {
      this.grad += o.data * out.grad;
      o.grad += this.data * out.grad;
    };
    return out;
  }

  /** this^k for a plain number k; ∂/∂this = k · this^(k-1). */
  pow(k: number): Value {
    if (typeof k !== "number") throw new TypeError(`Value.pow: the exponent must be a plain number, got ${describeArg(k)}`);
    const out = new Value(this.data ** k, [this], `^${k}`);
    out.backwardStep = () => {
      this.grad += k * this.data ** (k - 1) * out.grad;
    };
    return out;
  }

  /** −this; ∂/∂this = −1. */
  neg(): Value {
    const out = new Value(-this.data, [this], "neg");
    out.backwardStep = () => {
      this.grad -= out.grad;
    };
    return out;
  }

  /** this − other; ∂/∂this = 1, ∂/∂other = −1. */
  sub(other: ValueLike): Value {
    const o = Value.from(other);
    const out = new Value(this.data - o.data, [this, o], "-");
    out.backwardStep = () => {
      this.grad += out.grad;
      o.grad -= out.grad;
    };
    return out;
  }

  /** this / other; ∂/∂this = 1/other, ∂/∂other = −this/other². */
  div(other: ValueLike): Value {
    const o = Value.from(other);
    const out = new Value(this.data / o.data, [this, o], "/");
    out.backwardStep = () => {
      this.grad += out.grad / o.data;
      o.grad -= (this.data / (o.data * o.data)) * out.grad;
    };
    return out;
  }

  /** e^this; ∂/∂this = e^this, the output itself. */
  exp(): Value {
    const out = new Value(Math.exp(this.data), [this], "exp");
    out.backwardStep = () => {
      this.grad += out.data * out.grad;
    };
    return out;
  }

  /** ln(this); ∂/∂this = 1/this. */
  log(): Value {
    const out = new Value(Math.log(this.data), [this], "log");
    out.backwardStep = () => {
      this.grad += out.grad / this.data;
    };
    return out;
  }

  /** tanh(this); ∂/∂this = 1 − tanh², from the output. */
  tanh(): Value {
    const t = Math.tanh(this.data);
    const out = new Value(t, [this], "tanh");
    out.backwardStep = () => {
      this.grad += (1 - t * t) * out.grad;
    };
    return out;
  }

  /** σ(this) = 1 / (1 + e^(−this)); ∂/∂this = σ(1 − σ), from the output. */
  sigmoid(): Value {
    const s = 1 / (1 + Math.exp(-this.data));
    const out = new Value(s, [this], "σ");
    out.backwardStep = () => {
      this.grad += s * (1 - s) * out.grad;
    };
    return out;
  }

  /** max(0, this); ∂/∂this = 1 where this > 0, else 0. */
  relu(): Value {
    const out = new Value(this.data > 0 ? this.data : 0, [this], "relu");
    out.backwardStep = () => {
      if (this.data > 0) this.grad += out.grad;
    };
    return out;
  }

  /**
   * Every node this Value depends on, children before the nodes made from them, ending with
   * this one (a topological order). Each node appears once, however many paths reach it.
   */
  topologicalOrder(): Value[] {
    const order: Value[] = [];
    const seen = new Set<Value>();
    // An explicit stack instead of recursion: a graph of a whole training set is deeper than
    // JavaScript's call stack.
    const stack: [Value, number][] = [[this, 0]];
    seen.add(this);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, next] = top;
      if (next < node.children.length) {
        top[1]++;
        const child = node.children[next];
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
    return order;
  }

  /**
   * Gives every node below this one its gradient ∂this/∂node: this.grad = 1, then each node's local
   * rule in reverse topological order, so a node passes its gradient on only once it is complete.
   * Gradients add up: call zeroGrad() before a second backward() on the same graph.
   */
  backward(): void {
    const order = this.topologicalOrder();
    this.grad = 1;
    for (let i = order.length - 1; i >= 0; i--) order[i].backwardStep();
  }

  /** Sets the gradient of this node and of every node below it back to 0. */
  zeroGrad(): void {
    for (const node of this.topologicalOrder()) node.grad = 0;
  }

  toString(): string {
    return `Value(${this.label ? `${this.label}, ` : ""}data=${this.data}, grad=${this.grad})`;
  }
}

/** A leaf with a name, as drawn by drawGraph: `value(2, "a")`. */
export function value(data: number, label = ""): Value {
  return new Value(data, [], "", label);
}

/**
 * Central differences: an estimate of every partial derivative of f at x,
 * ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h, with an error of order h². Returns
 * [f(x), ∂f/∂x_0, ...], the shape `localGradients` returns, so the two can be compared.
 *
 * @example centralDifferences((a, b) => a * b, [2, 3]) // ≈ [6, 3, 2]
 */
export function centralDifferences(f: (...x: number[]) => number, x: readonly number[], h = 1e-6): number[] {
  const at = (i: number, d: number) => f(...x.map((v, j) => (j === i ? v + d : v)));
  return [f(...x), ...x.map((_, i) => (at(i, h) - at(i, -h)) / (2 * h))];
}

/**
 * One operation's local rule, run alone: leaves for `x`, the operation on them, then only the
 * output's own `backwardStep` with out.grad = 1. Returns [out.data, ∂out/∂x_0, ...], the shape
 * `centralDifferences` returns. It tests an operation before `backward()` exists.
 *
 * @example localGradients((a, b) => a.mul(b), [2, 3]) // [6, 3, 2]
 */
export function localGradients(op: (...x: Value[]) => Value, x: readonly number[]): number[] {
  const leaves = x.map((v, i) => new Value(v, [], "", `x${i}`));
  const out = op(...leaves);
  if (!(out instanceof Value)) throw new TypeError(`localGradients: the operation returned ${describeArg(out)}, not a Value`);
  out.grad = 1;
  out.backwardStep();
  return [out.data, ...leaves.map((l) => l.grad)];
}

function describeArg(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return Array.isArray(x) ? "an array" : typeof x === "object" ? "an object" : `${typeof x} ${String(x)}`;
}

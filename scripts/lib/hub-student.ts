/**
 * One student on the hub, driven the way the Notebook page drives it, but through the hub's REST
 * API and the kernel's websocket only: a token, a server, a tslab kernel, the notebook's code cells
 * sent as Run All sends them, the outputs put back into the notebook and the notebook saved.
 * Used by the load test (scripts/hub-load.ts) and the hub tests (test/hub/).
 * Needs a global WebSocket: Node 20 gives one with --experimental-websocket (the npm scripts pass it).
 */
import { randomUUID } from "crypto";
import { readFileSync } from "fs";
import { HubClient, sleep } from "./hub";

export interface CellOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error";
  name?: string;
  text?: string;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface CellRun {
  status: "ok" | "error" | "aborted" | "timeout";
  outputs: CellOutput[];
  executionCount: number | null;
  /** ms from sending Run All to this cell's reply */
  doneAt: number;
}

export function requireWebSocket(): void {
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== "function") {
    throw new Error("this Node has no WebSocket client: run with `node --experimental-websocket` (Node 20) or use Node 22+; the npm scripts pass the flag");
  }
}

/** The code cells of a notebook, as Run All sends them (empty ones skipped). */
export function codeCells(notebook: any): { index: number; source: string }[] {
  return (notebook.cells as any[])
    .map((cell, index) => ({ index, cell }))
    .filter(({ cell }) => cell.cell_type === "code")
    .map(({ index, cell }) => ({ index, source: Array.isArray(cell.source) ? cell.source.join("") : String(cell.source) }))
    .filter((c) => c.source.trim() !== "");
}

/** A kernel's websocket: execute requests out, replies and outputs in, matched by msg_id. */
export class KernelSocket {
  private ws: WebSocket;
  private session = randomUUID();
  private waiting = new Map<string, { outputs: CellOutput[]; reply?: any; idle: boolean; done: (v: void) => void }>();
  private opened: Promise<void>;
  closed = false;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("error", () => reject(new Error(`websocket ${url.replace(/token=[^&]+/, "token=…")} failed`)));
    });
    this.ws.addEventListener("close", () => {
      this.closed = true;
      for (const w of this.waiting.values()) w.done();
    });
    this.ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return; // binary buffers: not used by tslab
      const msg = JSON.parse(event.data);
      const parent = msg.parent_header?.msg_id;
      const w = parent && this.waiting.get(parent);
      if (!w) return;
      const type = msg.msg_type ?? msg.header?.msg_type;
      const c = msg.content ?? {};
      if (msg.channel === "shell" && type.endsWith("_reply")) w.reply = c;
      else if (type === "status" && c.execution_state === "idle") w.idle = true;
      else if (type === "stream") {
        const last = w.outputs[w.outputs.length - 1];
        if (last?.output_type === "stream" && last.name === c.name) last.text += c.text;
        else w.outputs.push({ output_type: "stream", name: c.name, text: c.text });
      } else if (type === "display_data" || type === "execute_result") {
        w.outputs.push({ output_type: type, data: c.data ?? {}, metadata: c.metadata ?? {}, ...(type === "execute_result" ? { execution_count: c.execution_count } : {}) });
      } else if (type === "error") w.outputs.push({ output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
      if (w.reply && w.idle) w.done();
    });
  }

  ready(): Promise<void> {
    return this.opened;
  }

  /** Sends a request on the shell channel; resolves with its reply content and outputs. */
  send(msgType: string, content: Record<string, unknown>, timeoutMs: number): { id: string; result: Promise<{ reply?: any; outputs: CellOutput[]; timedOut: boolean }> } {
    const id = randomUUID();
    const entry = { outputs: [] as CellOutput[], reply: undefined as any, idle: false, done: (_: void) => undefined as void };
    const finished = new Promise<void>((r) => (entry.done = r));
    this.waiting.set(id, entry);
    this.ws.send(
      JSON.stringify({
        header: { msg_id: id, msg_type: msgType, session: this.session, username: "", version: "5.3", date: new Date().toISOString() },
        parent_header: {},
        metadata: {},
        content,
        buffers: [],
        channel: "shell",
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    const result = Promise.race([finished, timeout]).then((t) => {
      clearTimeout(timer);
      this.waiting.delete(id);
      return { reply: entry.reply, outputs: entry.outputs, timedOut: t === "timeout" && !entry.reply };
    });
    return { id, result };
  }

  execute(code: string, timeoutMs: number) {
    return this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, timeoutMs);
  }

  close(): void {
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }
}

export interface Timings {
  serverReadyMs: number;
  kernelReadyMs: number;
  firstCellMs: number; // from asking for a kernel to the first cell's reply
  notebookMs: number; // from Run All to the last cell's reply
}

/** A hub user with a token of their own. */
export class Student {
  readonly token: string;
  readonly client: HubClient;
  kernelId = "";
  socket?: KernelSocket;
  reconnects: string[] = [];

  constructor(
    readonly name: string,
    readonly base: string,
    token: string,
  ) {
    this.token = token;
    this.client = new HubClient(base, token);
  }

  /** Creates the hub user (if new) with the admin token and gets a token for them. */
  static async create(admin: HubClient, name: string): Promise<Student> {
    const exists = await admin.request("GET", `/hub/api/users/${name}`);
    if (exists.status === 404) await admin.expect("POST", `/hub/api/users/${name}`, [201]);
    else if (exists.status !== 200) throw new Error(`GET /hub/api/users/${name}: ${exists.status} ${exists.text.slice(0, 200)}`);
    const t = await admin.expect("POST", `/hub/api/users/${name}/tokens`, [200, 201], { note: "scratchnet load test", expires_in: 24 * 3600 });
    return new Student(name, admin.base, t.token);
  }

  /** Asks for the server and waits until it answers through the proxy; returns ms. */
  async startServer(timeoutMs = 300_000): Promise<number> {
    const t0 = Date.now();
    const r = await this.client.request("POST", `/hub/api/users/${this.name}/server`);
    if (r.status !== 201 && r.status !== 202 && !(r.status === 400 && /already running/.test(r.text))) {
      throw new Error(`starting ${this.name}'s server: ${r.status} ${r.json?.message ?? r.text.slice(0, 300)}`);
    }
    for (;;) {
      const s = await this.client.request("GET", `/user/${this.name}/api/status`);
      if (s.status === 200) return Date.now() - t0;
      const u = await this.client.request("GET", `/hub/api/users/${this.name}`);
      const server = u.json?.servers?.[""];
      if (u.status === 200 && !server) throw new Error(`${this.name}'s server stopped while starting (see the hub's log)`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`${this.name}'s server was not ready after ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }

  api(method: string, path: string, body?: unknown, token?: string) {
    return this.client.request(method, `/user/${this.name}/api${path}`, body, token);
  }

  wsUrl(kernelId: string, token = this.token): string {
    return `${this.base.replace(/^http/, "ws")}/user/${this.name}/api/kernels/${kernelId}/channels?token=${encodeURIComponent(token)}&session_id=${randomUUID()}`;
  }

  /**
   * Opens `notebook` as the Notebook page does: a session for it with a tslab kernel (the kernel
   * runs in the notebook's folder), or connects to the kernel `existing`; then waits for the
   * kernel's kernel_info reply. Returns ms.
   */
  async openKernel(notebook: string, existing?: string, timeoutMs = 300_000): Promise<number> {
    const t0 = Date.now();
    this.socket?.close();
    this.socket = undefined;
    if (existing) this.kernelId = existing;
    else {
      const r = await this.api("POST", "/sessions", { path: notebook, name: notebook, type: "notebook", kernel: { name: "tslab" } });
      if (r.status !== 201) throw new Error(`starting ${this.name}'s kernel: ${r.status} ${r.text.slice(0, 300)}`);
      this.kernelId = r.json.kernel.id;
    }
    // A kernel that is still starting does not answer yet: ask again until it does. A websocket
    // closed before that is opened again, as the Notebook page does (counted in `reconnects`).
    // A new kernel that never answers on two websockets in a row is replaced once, as a student
    // would (shut it down, open the notebook again), and that is counted too: tslab 1.0.22 can lose its iopub socket
    // on an overloaded machine ("Socket is busy writing", EBUSY from zeromq), and the Notebook
    // server then times out every websocket to that kernel.
    let restarted = false;
    let openedAt = Date.now();
    for (;;) {
      if (!this.socket || this.socket.closed) {
        if (this.socket) this.reconnects.push(`kernel websocket closed before the kernel answered (after ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        if (this.reconnects.length >= 2 && !restarted && !existing) {
          // Shut it down and open the notebook with a new kernel (new ports: a restart in place
          // reuses the stuck kernel's ports and can fail with EADDRINUSE).
          restarted = true;
          const shut = await this.api("DELETE", `/kernels/${this.kernelId}`);
          const r = await this.api("POST", "/sessions", { path: notebook, name: notebook, type: "notebook", kernel: { name: "tslab" } });
          if (r.status !== 201) throw new Error(`a new kernel for ${this.name}: ${r.status} ${r.text.slice(0, 300)}`);
          this.kernelId = r.json.kernel.id;
          this.reconnects.push(`kernel shut down (${shut.status}) and a new one started after it never answered`);
        }
        if (this.reconnects.length > 5) throw new Error(`${this.name}'s kernel websocket closed ${this.reconnects.length} times: ${this.reconnects.join("; ")}`);
        this.socket?.close();
        this.socket = new KernelSocket(this.wsUrl(this.kernelId));
        await this.socket.ready();
        openedAt = Date.now();
      }
      const { result } = this.socket.send("kernel_info_request", {}, 5000);
      const r = await result;
      if (r.reply) return Date.now() - t0;
      // open but silent for two minutes: give up on this websocket and open another
      if (Date.now() - openedAt > 120_000) this.socket.close();
      if (Date.now() - t0 > timeoutMs) throw new Error(`${this.name}'s kernel did not answer within ${timeoutMs / 1000} s`);
    }
  }

  /** One cell, waited for. */
  async run(code: string, timeoutMs = 120_000): Promise<{ status: string; stdout: string; stderr: string; outputs: CellOutput[] }> {
    if (!this.socket) throw new Error("no kernel open");
    const r = await this.socket.execute(code, timeoutMs).result;
    const text = (name: string) => r.outputs.filter((o) => o.output_type === "stream" && o.name === name).map((o) => o.text).join("");
    return { status: r.timedOut ? "timeout" : r.reply?.status, stdout: text("stdout"), stderr: text("stderr"), outputs: r.outputs };
  }

  /**
   * Run All: every code cell sent at once, as the Notebook page does (stop_on_error: the kernel
   * aborts the cells after a failing one). Returns each cell's result with when it finished.
   */
  async runAll(cells: { source: string }[], timeoutMs: number): Promise<CellRun[]> {
    if (!this.socket) throw new Error("no kernel open");
    const t0 = Date.now();
    const sent = cells.map((c) => this.socket!.execute(c.source, timeoutMs).result.then((r) => ({ r, doneAt: Date.now() - t0 })));
    const results = await Promise.all(sent);
    return results.map(({ r, doneAt }) => ({
      status: r.timedOut ? "timeout" : r.reply?.status === "ok" ? "ok" : r.reply?.status === "aborted" ? "aborted" : "error",
      outputs: r.outputs,
      executionCount: r.reply?.execution_count ?? null,
      doneAt,
    }));
  }

  async readNotebook(path: string): Promise<any> {
    const r = await this.api("GET", `/contents/${path}?content=1&type=notebook`);
    if (r.status !== 200) throw new Error(`reading ${this.name}'s ${path}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.json.content;
  }

  async saveNotebook(path: string, notebook: any): Promise<void> {
    const r = await this.api("PUT", `/contents/${path}`, { type: "notebook", format: "json", content: notebook });
    if (r.status !== 200 && r.status !== 201) throw new Error(`saving ${this.name}'s ${path}: ${r.status} ${r.text.slice(0, 200)}`);
  }

  async stopServer(): Promise<void> {
    this.socket?.close();
    const r = await this.client.request("DELETE", `/hub/api/users/${this.name}/server`);
    if (![202, 204, 400].includes(r.status)) throw new Error(`stopping ${this.name}'s server: ${r.status} ${r.text.slice(0, 200)}`);
    for (let i = 0; i < 600; i++) {
      const u = await this.client.request("GET", `/hub/api/users/${this.name}`);
      if (!u.json?.servers?.[""]) return;
      await sleep(200);
    }
  }
}

/** Puts a Run All's outputs into the notebook, as the page does before saving. */
export function withOutputs(notebook: any, cells: { index: number }[], runs: CellRun[]): any {
  const copy = JSON.parse(JSON.stringify(notebook));
  cells.forEach((cell, i) => {
    const target = copy.cells[cell.index];
    target.outputs = runs[i].outputs.map((o) => (o.output_type === "stream" ? { ...o, text: o.text } : o));
    target.execution_count = runs[i].executionCount;
  });
  return copy;
}

/** What the load test checks in 01-neuron after Run All: numbers the notebook asserts and prints. */
export const NEURON_CHECKS: { cell: RegExp; stdout: RegExp }[] = [
  { cell: /const z = w\[0\] \* x\[0\]/, stdout: /total input z = 7\n/ },
  { cell: /const yByHand = /, stdout: /our function: 0\.9990889488055994\n/ },
  { cell: /const neuron = new Neuron\(\[0, 1\], 4\)/, stdout: /Neuron: total input 7, output 0\.9990889488055994\n/ },
];

/** Problems with a Run All of 01-neuron: failed cells, missing numbers, checks that neither passed nor said "not done yet". */
export function neuronProblems(cells: { source: string }[], runs: CellRun[]): string[] {
  const problems: string[] = [];
  runs.forEach((r, i) => {
    if (r.status !== "ok") {
      const err = r.outputs.find((o) => o.output_type === "error");
      const stderr = r.outputs.filter((o) => o.name === "stderr").map((o) => o.text).join("");
      problems.push(`cell ${i + 1}: ${r.status} ${err ? `${err.ename}: ${err.evalue}` : stderr.slice(0, 200)}`);
    }
  });
  const stdout = (i: number) => runs[i].outputs.filter((o) => o.name === "stdout").map((o) => o.text).join("");
  for (const check of NEURON_CHECKS) {
    const i = cells.findIndex((c) => check.cell.test(c.source));
    if (i < 0) problems.push(`no cell matches ${check.cell}`);
    else if (!check.stdout.test(stdout(i))) problems.push(`cell ${i + 1} printed ${JSON.stringify(stdout(i).slice(0, 200))}, expected ${check.stdout}`);
  }
  cells.forEach((c, i) => {
    const m = /^check\("(\w+)"/m.exec(c.source);
    if (!m) return;
    if (!new RegExp(`(✓ ${m[1]}: correct|… ${m[1]}: not done yet)`).test(stdout(i))) problems.push(`cell ${i + 1}: check ${m[1]} printed ${JSON.stringify(stdout(i).slice(0, 200))}`);
  });
  return problems;
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, "utf8"));
}

/**
 * The scratchnet TypeScript kernel for JupyterLite: a JupyterLab extension that registers the kernel
 * spec "tslab" (the name the course's notebooks carry, so they open on it with no kernel dialog).
 *
 * This side, in the page, only relays messages: the cells run in a Web Worker
 * (lite/runtime/worker.ts, built by scripts/lite.ts into <site>/scratchnet-lite/worker.js), so a
 * long `fit` never freezes the page, and a restart is the worker's `terminate()`.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import type { KernelMessage } from "@jupyterlab/services";
import { BaseKernel, IKernelSpecs } from "@jupyterlite/services";
import type { IKernel } from "@jupyterlite/services";

/** The folder of the site that holds the worker and the modules the cells import. */
export const RUNTIME_FOLDER = "scratchnet-lite/";

type ExecuteReply = KernelMessage.IExecuteReplyMsg["content"];

/** A message from the worker: an output for the cell `id`, or its reply. */
interface WorkerMessage {
  id: number;
  type: "stream" | "display_data" | "update_display_data" | "clear_output" | "execute_result" | "error" | "reply";
  content: any;
}

class TypeScriptKernel extends BaseKernel implements IKernel {
  private worker: Worker;
  private next = 0;
  private pending = new Map<number, { resolve(reply: ExecuteReply): void; parent: KernelMessage.IHeader | undefined }>();

  constructor(options: IKernel.IOptions) {
    super(options);
    const url = URLExt.join(PageConfig.getBaseUrl(), RUNTIME_FOLDER, "worker.js");
    this.worker = new Worker(url);
    this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.relay(e.data);
    // A worker that fails to load (a missing file) must say so in the cell, not hang it.
    this.worker.onerror = (e: ErrorEvent) => this.failAll(`the kernel's worker failed: ${e.message || "could not load " + url}`);
  }

  dispose(): void {
    if (this.isDisposed) return;
    // Restart and shutdown land here: terminating stops a running cell at once, whatever it does.
    this.worker.terminate();
    this.failAll("the kernel was restarted");
    super.dispose();
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg["content"]> {
    return {
      implementation: "scratchnet-lite",
      implementation_version: "0.1.0",
      language_info: {
        name: "typescript",
        version: "5.9",
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: { name: "javascript", typescript: true },
      },
      protocol_version: "5.3",
      status: "ok",
      banner: "TypeScript in your browser (scratchnet's JupyterLite kernel): cells are compiled by TypeScript and run in a Web Worker",
      help_links: [],
    };
  }

  executeRequest(content: KernelMessage.IExecuteRequestMsg["content"]): Promise<ExecuteReply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, parent: this.parentHeader });
      this.worker.postMessage({ type: "execute", id, code: content.code, count: this.executionCount });
    });
  }

  private relay(msg: WorkerMessage): void {
    const cell = this.pending.get(msg.id);
    if (!cell) return; // a late output of a cell whose reply already went
    const parent = cell.parent;
    switch (msg.type) {
      case "stream": return this.stream(msg.content, parent);
      case "display_data": return this.displayData(msg.content, parent);
      case "update_display_data": return this.updateDisplayData(msg.content, parent);
      case "clear_output": return this.clearOutput(msg.content, parent);
      case "execute_result": return this.publishExecuteResult({ ...msg.content, execution_count: this.executionCount }, parent);
      case "error": return this.publishExecuteError(msg.content, parent);
      case "reply":
        this.pending.delete(msg.id);
        cell.resolve({ ...msg.content, execution_count: this.executionCount });
        return;
    }
  }

  private failAll(why: string): void {
    for (const [id, cell] of this.pending) {
      const error = { ename: "KernelRestart", evalue: why, traceback: [`KernelRestart: ${why}`] };
      this.publishExecuteError(error, cell.parent);
      cell.resolve({ status: "error", execution_count: this.executionCount, ...error } as ExecuteReply);
      this.pending.delete(id);
    }
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg["content"]): Promise<KernelMessage.ICompleteReplyMsg["content"]> {
    return { status: "ok", matches: [], cursor_start: content.cursor_pos, cursor_end: content.cursor_pos, metadata: {} };
  }
  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg["content"]> {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }
  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg["content"]> {
    return { status: "unknown" };
  }
  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg["content"]> {
    return { status: "ok", comms: {} };
  }
  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}

const LOGO =
  "data:image/svg+xml;base64," +
  btoa(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#3178c6"/><text x="32" y="44" font-family="sans-serif" font-size="30" font-weight="bold" fill="#fff" text-anchor="middle">TS</text></svg>`);

const plugin: JupyterFrontEndPlugin<void> = {
  id: "scratchnet-lite-kernel:kernel",
  autoStart: true,
  requires: [IKernelSpecs],
  activate: (_app: JupyterFrontEnd, kernelspecs: IKernelSpecs) => {
    kernelspecs.register({
      spec: {
        name: "tslab",
        display_name: "TypeScript (tslab)",
        language: "typescript",
        argv: [],
        spec: { argv: [], env: {}, display_name: "TypeScript (tslab)", language: "typescript", interrupt_mode: "message", metadata: {} },
        resources: { "logo-32x32": LOGO, "logo-64x64": LOGO },
      },
      create: async (options: IKernel.IOptions): Promise<IKernel> => new TypeScriptKernel(options),
    });
  },
};

export default [plugin];

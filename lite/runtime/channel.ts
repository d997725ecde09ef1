/**
 * The worker's side of the conversation with the kernel in the page: every output is tagged with
 * the cell that is running, so the kernel files it under that cell's request.
 */
export const current = { id: -1 };

export function post(type: string, content: unknown): void {
  (self as unknown as Worker).postMessage({ id: current.id, type, content });
}

/**
 * The browser bundle's entry (scripts/build-widgets.ts makes dist/widgets.js from it): the
 * library's own modules and the widgets, behind `window.scratchnetWidgets`.
 *
 *   scratchnetWidgets.mount(element, "circle-playground", { hidden: [4, 8] })
 *
 * mounts a widget into an element (the element becomes its root: data-widget="<name>"), and
 * keeps its controller on `element.scratchnetWidget` (tests read the weights through it).
 * `mountPending()` mounts every `[data-widget][data-widget-options]` element not yet mounted:
 * what the notebook's and the exported page's outputs call once the bundle has loaded.
 */
import { getBackend, setBackend } from "../../kernels";
import { Matrix } from "../../core/matrix";
import { Network } from "../../core/network";
import { circles, gaussianMixture, gaussians, inputFeatures, plane, spiral, trainTestSplit, xor } from "../../data/datasets";
import { mountDescent } from "./descent";
import { mountNeuron } from "./neuron";
import { mountCirclePlayground, mountPlayground } from "./playground";
import { ensureStyles, h } from "./ui";

type Mount = (root: HTMLElement, options: never) => { destroy(): void };

export const WIDGETS: Record<string, Mount> = {
  neuron: mountNeuron as Mount,
  playground: mountPlayground as Mount,
  "circle-playground": mountCirclePlayground as Mount,
  descent: mountDescent as Mount,
};

/** Mounts widget `name` into `root`; an error is shown in the widget's place (and rethrown). */
function mount(root: HTMLElement, name: string, options: object = {}): { destroy(): void } {
  const create = WIDGETS[name];
  const el = root as HTMLElement & { scratchnetWidget?: { destroy(): void } };
  el.scratchnetWidget?.destroy();
  ensureStyles();
  root.dataset.widget = name;
  root.setAttribute("role", "region");
  if (!root.hasAttribute("aria-label")) root.setAttribute("aria-label", `${name} widget`);
  root.replaceChildren();
  if (!create) {
    const known = Object.keys(WIDGETS).join(", ");
    root.append(h("p", { class: "snw-error" }, `Unknown widget "${name}"; the widgets are ${known}.`));
    throw new RangeError(`scratchnetWidgets.mount: unknown widget ${JSON.stringify(name)}; valid names are ${known}`);
  }
  try {
    const controller = create(root, options as never);
    el.scratchnetWidget = controller;
    root.dataset.widgetMounted = "true";
    return controller;
  } catch (err) {
    root.replaceChildren(h("p", { class: "snw-error" }, `The ${name} widget could not start: ${(err as Error).message}`));
    throw err;
  }
}

/** Mounts every widget placeholder on the page that is not mounted yet; returns how many. */
function mountPending(root: ParentNode = document): number {
  let count = 0;
  for (const el of Array.from(root.querySelectorAll<HTMLElement>("[data-widget][data-widget-options]"))) {
    if (el.dataset.widgetMounted) continue;
    const options = JSON.parse(el.dataset.widgetOptions ?? "{}") as object;
    mount(el, el.dataset.widget as string, options);
    count++;
  }
  return count;
}

const api = {
  version: 1,
  mount,
  mountPending,
  names: Object.keys(WIDGETS),
  // The library itself, for a reader who opens the console (and for the tests).
  lib: { Network, Matrix, circles, xor, gaussians, spiral, plane, gaussianMixture, inputFeatures, trainTestSplit, getBackend, setBackend },
};

declare global {
  interface Window {
    scratchnetWidgets?: typeof api;
  }
}

// Set explicitly (not through a module wrapper) so that require.js on the page cannot capture it.
window.scratchnetWidgets = api;

/**
 * The README's table of measured hub load tests: one row per report of `npm run hub:load`
 * (jupyter/hub/measured/hub-load-N.json), made here so that the README and the reports agree
 * (test/binder.test.ts checks it).
 */
export const SIZING_HEADER = [
  "| learners at once | server ready, s | then first cell, s | whole notebook, s | memory per learner, MiB (RSS / PSS) | CPU per kernel start, s | failures |",
  "| --- | --- | --- | --- | --- | --- | --- |",
];

interface Stat {
  min: number;
  median: number;
  max: number;
}

const one = (x: number) => x.toFixed(1);
const triple = (s: Stat | null) => (s ? `${one(s.min)} / ${one(s.median)} / ${one(s.max)}` : "n/a");

/** One row: times as min / median / max; memory and CPU as medians. */
export function sizingRow(r: {
  students: number;
  serverReadyS: Stat | null;
  firstCellS: Stat | null;
  notebookS: Stat | null;
  perStudentRssMiB: Stat | null;
  perStudentPssMiB: Stat | null;
  kernelStartCpuS: Stat | null;
  failures: unknown[];
}): string {
  const mem = r.perStudentRssMiB && r.perStudentPssMiB ? `${r.perStudentRssMiB.median.toFixed(0)} / ${r.perStudentPssMiB.median.toFixed(0)}` : "n/a";
  const cpu = r.kernelStartCpuS ? one(r.kernelStartCpuS.median) : "n/a";
  return `| ${r.students} | ${triple(r.serverReadyS)} | ${triple(r.firstCellS)} | ${triple(r.notebookS)} | ${mem} | ${cpu} | ${r.failures.length} |`;
}

/**
 * Writes the course's small CSV files in data/ from the functions in src/data/datasets.ts.
 * Run: node --import tsx scripts/make-data.ts (test/datasets.test.ts checks the files still match).
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { formatCsv } from "../src/data/csv";
import { circles, HEIGHT_SHIFT_IN, loyData, people, WEIGHT_SHIFT_LB } from "../src/data/datasets";

/** The seed of data/circles.csv; data/README.md states it too. */
export const CIRCLES_SEED = 0;

/** File name -> CSV text, for every file this script owns. */
export function courseCsvs(): Record<string, string> {
  const p = people();
  const peopleRows = p.names.map((name, i) => [
    name,
    p.raw.get(i, 0),
    p.raw.get(i, 1),
    p.y.get(i, 0),
    p.X.get(i, 0),
    p.X.get(i, 1),
  ]);
  const peopleCsv = formatCsv(
    ["name", "weight_lb", "height_in", "gender", `weight_minus_${WEIGHT_SHIFT_LB}`, `height_minus_${HEIGHT_SHIFT_IN}`],
    peopleRows,
  );

  const loy = loyData();
  const loyCsv = formatCsv(["x1", "x2", "x3", "label"], loy.X.toArray().map((row, i) => [...row, loy.y.get(i, 0)]));

  const rings = circles({ seed: CIRCLES_SEED });
  const circlesCsv = formatCsv(["x1", "x2", "label"], rings.X.toArray().map((row, i) => [...row, rings.y.get(i, 0)]));

  return { "people.csv": peopleCsv, "loy.csv": loyCsv, "circles.csv": circlesCsv };
}

if (require.main === module) {
  const dir = join(__dirname, "..", "data");
  for (const [name, text] of Object.entries(courseCsvs())) {
    writeFileSync(join(dir, name), text);
    console.log(`wrote data/${name} (${text.split("\n").length - 2} rows)`);
  }
}

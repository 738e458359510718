// Issue 14: whatever the amount of ink, the paper, the pen or the light, a processed page has
// white paper and ink at least as distinct as in the photo, in the same places. Every input and
// output is written to test-artifacts/pages/ to be looked at.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { processLetterPage } from "../../src/media/photo.js";
import { corpus, renderPage, type PageSpec } from "./pages.js";

const ARTIFACTS = resolve("test-artifacts/pages");

async function grey(image: Buffer): Promise<Uint8Array> {
  const { data, info } = await sharp(image).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return data;
}

function mean(values: Uint8Array, where: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!where(i)) continue;
    sum += values[i] ?? 0;
    count++;
  }
  if (count === 0) throw new Error("nothing to measure");
  return sum / count;
}

interface InkMeasure {
  name: string;
  contrastIn: number;
  contrastOut: number;
  /** Share of solid-ink pixels that are still dark (nearer the ink's level than the paper's). */
  keptDark: number;
}

interface PageMeasure {
  paperIn: number;
  paperOut: number;
  pageMeanOut: number;
  inks: InkMeasure[];
  /** Share of paper pixels (away from any ink) dark enough to pass for the faintest ink. */
  strayDark: number;
}

async function measure(spec: PageSpec): Promise<PageMeasure> {
  const page = await renderPage(spec);
  const processed = await processLetterPage(page.image);
  expect([processed.width, processed.height]).toEqual([spec.width, spec.height]);
  mkdirSync(ARTIFACTS, { recursive: true });
  await sharp(page.image).png().toFile(join(ARTIFACTS, `${spec.name}-in.png`));
  await sharp(processed.data).png().toFile(join(ARTIFACTS, `${spec.name}-out.png`));

  const before = await grey(page.image);
  const after = await grey(processed.data);
  const paper = (i: number) => page.nearInk[i] === 0;
  const paperIn = mean(before, paper);
  const paperOut = mean(after, paper);
  const inks = [...page.coverage].map(([name, cover]): InkMeasure => {
    const solid = (i: number) => (cover[i] ?? 0) >= 0.95;
    const contrastIn = paperIn - mean(before, solid);
    const contrastOut = paperOut - mean(after, solid);
    const darkBelow = paperOut - contrastIn / 2;
    let kept = 0;
    let total = 0;
    for (let i = 0; i < after.length; i++) {
      if (!solid(i)) continue;
      total++;
      if ((after[i] ?? 255) <= darkBelow) kept++;
    }
    return { name, contrastIn, contrastOut, keptDark: kept / total };
  });
  const faintest = Math.max(...inks.map((ink) => paperOut - ink.contrastIn / 2));
  let stray = 0;
  let paperPixels = 0;
  for (let i = 0; i < after.length; i++) {
    if (!paper(i)) continue;
    paperPixels++;
    if ((after[i] ?? 255) <= faintest) stray++;
  }
  const pageMeanOut = after.reduce((sum, v) => sum + v, 0) / after.length;
  return { paperIn, paperOut, pageMeanOut, inks, strayDark: stray / paperPixels };
}

describe("page corpus: white paper, dark ink, whatever the page", () => {
  const results = new Map<string, PageMeasure>();
  beforeAll(async () => {
    for (const spec of corpus()) results.set(spec.name, await measure(spec));
    // The numbers next to the PNGs, to read along with them.
    const table = [...results].flatMap(([page, m]) =>
        m.inks.map((ink) => ({
          page,
          ink: ink.name,
          "paper in": Math.round(m.paperIn),
          "paper out": Math.round(m.paperOut),
          "page mean out": Math.round(m.pageMeanOut),
          "contrast in": Math.round(ink.contrastIn),
          "contrast out": Math.round(ink.contrastOut),
          "ink kept dark": ink.keptDark.toFixed(3),
          "stray dark": m.strayDark.toFixed(4),
        })),
      );
    writeFileSync(join(ARTIFACTS, "measurements.json"), `${JSON.stringify(table, null, 1)}\n`);
  }, 240_000);

  it.each(corpus().map((spec) => spec.name))("%s", (name) => {
    const m = results.get(name);
    if (!m) throw new Error(`no result for ${name}`);
    expect(m.paperOut).toBeGreaterThanOrEqual(220);
    // A clean page is never darkened.
    expect(m.paperOut).toBeGreaterThanOrEqual(Math.min(m.paperIn, 250));
    for (const ink of m.inks) {
      expect(ink.contrastOut, `${ink.name}: contrast`).toBeGreaterThanOrEqual(ink.contrastIn);
      expect(ink.keptDark, `${ink.name}: solid ink still dark`).toBeGreaterThanOrEqual(0.9);
    }
    expect(m.strayDark, "paper pixels that look like ink").toBeLessThanOrEqual(0.003);
  });
});

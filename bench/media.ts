// Photo pipeline and PDF rendering against bare baselines, on realistic input (bench/_media-fixtures.ts):
//   - a 12 MP phone JPEG (EXIF orientation 6) through processLetterPage (format and header checks,
//     upright, grey, denoised, even paper, re-encoded without metadata) vs a bare sharp
//     rotate+resize+jpeg to the same size: speed ratio, goal ≥ 0.6;
//   - a 20000x20000 PNG page refused through the writer's download path: peak RSS ≤ 250 MiB;
//   - a 3,000-character Cyrillic typed letter through renderLetterPdf vs a bare pdfkit document
//     with the same text and DejaVu font: speed ratio, goal ≥ 0.5;
//   - a 50-letter print batch: time (information) and peak RSS ≤ 250 MiB;
//   - 4 MP PNG, 12 MP WebP, an album of 4 and a handwritten letter, for information.
// Each scenario runs in a child process of its own, so the peak RSS (getrusage maxRSS) is its own.
// Takes about a minute on 2 quiet cores (fixtures about 10 s).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFixtures } from "./_media-fixtures.js";
import { scenarios } from "./_media-scenarios.js";

async function main(): Promise<void> {
  const [flag, name, dir] = process.argv.slice(2);
  if (flag === "--scenario" && name && dir) {
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`unknown scenario ${name}`);
    await scenario(dir);
    return;
  }
  const fixtures = mkdtempSync(join(tmpdir(), "lifeline-bench-media-"));
  try {
    const started = performance.now();
    const sizes = await writeFixtures(fixtures);
    console.log(`fixtures in ${((performance.now() - started) / 1000).toFixed(1)} s:`, sizes);
    const self = fileURLToPath(import.meta.url);
    for (const scenario of Object.keys(scenarios)) {
      const at = performance.now();
      // The children inherit BENCH_RESULTS and report their own figures.
      const child = spawnSync(process.execPath, [...process.execArgv, self, "--scenario", scenario, fixtures], { stdio: "inherit" });
      if (child.status !== 0) throw new Error(`scenario "${scenario}" failed with status ${child.status ?? child.signal}`);
      console.log(`(${scenario}: ${((performance.now() - at) / 1000).toFixed(1)} s)`);
    }
  } finally {
    rmSync(fixtures, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

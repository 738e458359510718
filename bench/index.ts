// Runs every benchmark in this folder (files not starting with "_" or "index"), one after another,
// each in its own process so one benchmark's heap and warm-up do not colour the next, and prints
// every figure beside its bare baseline, the ratio, the goal and pass/FAIL.
//
//   npm run bench                      every benchmark once
//   npm run bench -- update media      only the files whose names contain these words
//   npm run bench -- --runs 3          each benchmark three times; the summary shows medians
//   npm run bench -- --summary         prints the last summary again (from bench/results.json)
//
// The summary is also written to bench/results.json (not kept in git) and as a Markdown table to
// bench/results.md, which is what the README's performance table is copied from.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatGoal, formatNumber, judge, mark, median, type Result } from "./_report.js";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let runs = 1;
let summaryOnly = false;
const only: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === "--summary") summaryOnly = true;
  else if (arg === "--runs") runs = Math.max(1, Number(args[++i]) || 1);
  else if (arg.startsWith("--runs=")) runs = Math.max(1, Number(arg.slice(7)) || 1);
  else only.push(arg);
}
const files = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_") && f !== "index.ts")
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const failedFiles: string[] = [];
const byId = new Map<string, Result[]>();
const order: string[] = [];
let when = new Date().toISOString();
if (summaryOnly) {
  const last = JSON.parse(readFileSync(join(here, "results.json"), "utf8")) as { when: string; runs: number; results: (Result & { runs: number })[] };
  when = last.when;
  runs = last.runs;
  for (const r of last.results) {
    order.push(r.id);
    byId.set(r.id, [r]);
  }
} else runAll();

function runAll(): void {
  const scratch = mkdtempSync(join(tmpdir(), "lifeline-bench-"));
  try {
    runFiles(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runFiles(scratch: string): void {
  for (let run = 1; run <= runs; run++) {
    for (const file of files) {
      console.log(`\n=== ${file}${runs > 1 ? ` (run ${run} of ${runs})` : ""}`);
      const out = join(scratch, `${file}.${run}.jsonl`);
      writeFileSync(out, "");
      const result = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", join(here, file)], {
        stdio: "inherit",
        env: { ...process.env, BENCH_RESULTS: out },
      });
      if (result.status !== 0) failedFiles.push(`${file} (run ${run}, exit ${result.status ?? result.signal})`);
      for (const line of readFileSync(out, "utf8").split("\n")) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as Result;
        if (!byId.has(r.id)) {
          byId.set(r.id, []);
          order.push(r.id);
        }
        byId.get(r.id)!.push(r);
      }
    }
  }
}

/** The median of each figure across runs; the goal is judged on the median (of ratios, for ratios). */
function combine(results: Result[]): Result & { runs: number } {
  const first = results[0]!;
  if (results.length === 1 && "runs" in first) return first as Result & { runs: number };
  const ratios = results.map((r) => r.ratio).filter((r): r is number => r !== undefined);
  const baselines = results.map((r) => r.baseline).filter((b): b is number => b !== undefined);
  const combined = judge({
    ...first,
    value: median(results.map((r) => r.value)),
    ...(baselines.length > 0 ? { baseline: median(baselines) } : {}),
  });
  if (ratios.length > 0) {
    combined.ratio = median(ratios);
    if (combined.goal?.on === "ratio") {
      combined.pass = combined.goal.op === ">=" ? combined.ratio >= combined.goal.target : combined.ratio <= combined.goal.target;
    }
  }
  return { ...combined, runs: results.length };
}

const summary = order.map((id) => combine(byId.get(id)!));
const rows = summary.map((r) => ({
  benchmark: r.benchmark,
  measure: r.measure,
  lifeline: `${formatNumber(r.value)} ${r.unit}`,
  baseline: r.baseline !== undefined ? `${formatNumber(r.baseline)} ${r.unit}` : "",
  ratio: r.ratio !== undefined ? `${r.ratio.toFixed(2)}×` : "",
  goal: formatGoal(r),
  "": mark(r),
}));
console.log(`\n=== summary${runs > 1 ? ` (median of ${runs} runs)` : ""}`);
console.table(rows);
const goals = summary.filter((r) => r.pass !== undefined);
const failedGoals = goals.filter((r) => !r.pass);
console.log(`${goals.length - failedGoals.length} of ${goals.length} goals hold.`);
if (failedFiles.length > 0) console.log(`Benchmarks that failed to finish: ${failedFiles.join(", ")}`);

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.versions.node}`;
if (!summaryOnly) writeFileSync(join(here, "results.json"), `${JSON.stringify({ when, machine, runs, results: summary }, null, 2)}\n`);
const cell = (s: string) => s.replaceAll("|", "\\|");
const table = (picked: typeof rows) => [
  "| benchmark | measure | Lifeline | bare baseline | ratio | goal | |",
  "|---|---|---|---|---|---|---|",
  ...picked.map((r) => `| ${[r.benchmark, r.measure, r.lifeline, r.baseline, r.ratio, r.goal, r[""]].map(cell).join(" | ")} |`),
];
// Goals and comparisons first (the README's table), then every other figure.
const judged = rows.filter((r) => r.goal !== "" || r.baseline !== "");
const others = rows.filter((r) => r.goal === "" && r.baseline === "");
const markdown = [
  `Measured ${when.slice(0, 10)} on ${machine}; ${runs > 1 ? `median of ${runs} runs` : "one run"}. ${goals.length - failedGoals.length} of ${goals.length} goals hold.`,
  "",
  ...table(judged),
  "",
  "Other figures:",
  "",
  ...table(others),
  "",
].join("\n");
writeFileSync(join(here, "results.md"), markdown);
console.log("Written: bench/results.json, bench/results.md");
process.exit(failedFiles.length === 0 && failedGoals.length === 0 ? 0 : 1);

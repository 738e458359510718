// What every benchmark reports: figures side by side with a bare baseline measured in the same run,
// the ratio, the goal and whether it holds. Each benchmark process appends its results as JSON lines
// to the file named by BENCH_RESULTS (set by bench/index.ts); run alone, it only prints them.
import { appendFileSync } from "node:fs";

/** One figure of a benchmark, with the goal it is held to. */
export interface Measure {
  /** Stable id across runs, e.g. "update.help.ratio": runs are matched by it to take medians. */
  id: string;
  /** The benchmark file's subject, e.g. "update handling". */
  benchmark: string;
  /** What was measured, in words a volunteer admin reads, e.g. "/help through the whole bot". */
  measure: string;
  /** Lifeline's figure. */
  value: number;
  unit: string;
  /** The bare baseline's figure in the same unit, when the goal is a ratio. */
  baseline?: number;
  /** What the baseline is, e.g. "bare grammY bot with the runner". */
  baselineLabel?: string;
  /**
   * The goal: on "ratio" (value ÷ baseline, or baseline ÷ value when lower is better) or on "value".
   * Omitted for a figure shown for information only (a growth table row).
   */
  goal?: { on: "ratio" | "value"; op: ">=" | "<="; target: number };
  /** For ratios of times: lower is better, so the ratio is baseline ÷ value (a speed ratio, 1 = as fast). */
  lowerIsBetter?: boolean;
}

export interface Result extends Measure {
  ratio?: number;
  pass?: boolean;
}

/** The ratio as a speed: ≥ 1 means Lifeline is at least as fast as the bare baseline. */
export function ratioOf(m: Measure): number | undefined {
  if (m.baseline === undefined || m.baseline === 0 || m.value === 0) return undefined;
  return m.lowerIsBetter ? m.baseline / m.value : m.value / m.baseline;
}

export function judge(m: Measure): Result {
  const ratio = ratioOf(m);
  if (!m.goal) return { ...m, ...(ratio !== undefined ? { ratio } : {}) };
  const subject = m.goal.on === "ratio" ? ratio : m.value;
  const pass = subject !== undefined && (m.goal.op === ">=" ? subject >= m.goal.target : subject <= m.goal.target);
  return { ...m, ...(ratio !== undefined ? { ratio } : {}), pass };
}

export function formatNumber(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 100) return String(Math.round(n));
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function formatGoal(r: Result): string {
  if (!r.goal) return "";
  const op = r.goal.op === ">=" ? "≥" : "≤";
  return r.goal.on === "ratio" ? `${op} ${r.goal.target}×` : `${op} ${formatNumber(r.goal.target)} ${r.unit}`;
}

export function mark(r: Result): string {
  if (r.pass === undefined) return "";
  return r.pass ? "pass" : "FAIL";
}

/** Records a figure: printed at once, and kept for bench/index.ts's summary when run from there. */
export function report(m: Measure): Result {
  const r = judge(m);
  const base = r.baseline !== undefined ? ` | baseline ${formatNumber(r.baseline)} ${r.unit} (${r.baselineLabel ?? "bare"})` : "";
  const ratio = r.ratio !== undefined ? ` | ratio ${r.ratio.toFixed(2)}×` : "";
  const goal = r.goal ? ` | goal ${formatGoal(r)} | ${mark(r)}` : "";
  console.log(`[${r.benchmark}] ${r.measure}: ${formatNumber(r.value)} ${r.unit}${base}${ratio}${goal}`);
  const file = process.env.BENCH_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(r)}\n`);
  return r;
}

// --- small statistics helpers shared by the benchmarks ----------------------------------------

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0..1) by nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}

/** Peak resident set of this process so far, in MiB (getrusage maxRSS, KiB on Linux). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

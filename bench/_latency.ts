// Latency sampling for the database benchmarks: calls run one at a time or with N in flight, and two
// subjects (Lifeline's call and a bare baseline) measured in alternating rounds, so a machine busy
// with other work slows both alike.
import { median, percentile } from "./_report.js";

/** Milliseconds of each of `calls` calls of fn(k) (k = 0, 1, ...), keeping `inFlight` running at once. */
export async function sample(fn: (k: number) => Promise<unknown>, calls: number, inFlight: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, calls) }, async () => {
      while (next < calls) {
        const k = next++;
        const started = performance.now();
        await fn(k);
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

export interface Summary {
  p50: number;
  p95: number;
  calls: number;
}

export function summarize(times: readonly number[]): Summary {
  return { p50: median(times), p95: percentile(times, 0.95), calls: times.length };
}

/**
 * Both subjects, `rounds` rounds of `perRound` calls each, the order swapped every round.
 * The subjects get a running call number (across rounds) to pick their input.
 */
export async function interleaved(
  subjects: { app: (k: number) => Promise<unknown>; bare: (k: number) => Promise<unknown> },
  opts: { rounds: number; perRound: number; inFlight: number },
): Promise<{ app: Summary; bare: Summary }> {
  const app: number[] = [];
  const bare: number[] = [];
  let appCalls = 0;
  let bareCalls = 0;
  const runApp = async () => {
    const base = appCalls;
    appCalls += opts.perRound;
    app.push(...(await sample((k) => subjects.app(base + k), opts.perRound, opts.inFlight)));
  };
  const runBare = async () => {
    const base = bareCalls;
    bareCalls += opts.perRound;
    bare.push(...(await sample((k) => subjects.bare(base + k), opts.perRound, opts.inFlight)));
  };
  for (let round = 0; round < opts.rounds; round++) {
    if (round % 2 === 0) {
      await runApp();
      await runBare();
    } else {
      await runBare();
      await runApp();
    }
  }
  return { app: summarize(app), bare: summarize(bare) };
}

export const ms = (x: number): string => x.toFixed(2);

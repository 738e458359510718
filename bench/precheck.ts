// Pre-check speed and memory: how long one letter takes, by length, best and median of many runs.
import { precheckLetter } from "../src/domain/precheck/index.js";
import { report } from "./_report.js";

const paragraph =
  "Привет! Сегодня я гуляла в парке с собакой, читала книгу и думала о том, что тебе написать. " +
  "Погода была тёплая, на деревьях уже появились почки. Hello, friend! Звони 8 999 123 45 67. ";

function letterOf(length: number): string {
  return paragraph.repeat(Math.ceil(length / paragraph.length)).slice(0, length);
}

precheckLetter(letterOf(1000)); // compiles the rules once
const rows: Record<string, string | number>[] = [];
for (const length of [1_000, 5_000, 10_000, 50_000]) {
  const letter = letterOf(length);
  const times: number[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    precheckLetter(letter);
    times.push(performance.now() - started);
  }
  const heapAfter = process.memoryUsage().heapUsed;
  times.sort((a, b) => a - b);
  rows.push({
    characters: length,
    "best ms": Number(times[0]!.toFixed(2)),
    "median ms": Number(times[Math.floor(times.length / 2)]!.toFixed(2)),
    "p95 ms": Number(times[Math.floor(times.length * 0.95)]!.toFixed(2)),
    "heap delta KiB": Math.round((heapAfter - heapBefore) / 1024),
  });
}
console.table(rows);
for (const row of rows) {
  report({ id: `precheck.${row.characters}`, benchmark: "pre-check", measure: `a letter of ${Number(row.characters).toLocaleString("en")} characters (median)`, value: Number(row["median ms"]), unit: "ms" });
}

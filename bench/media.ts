// Photo pipeline and PDF speed and memory on realistic input: phone photos of a handwritten page
// (12 MP JPEG, 4 MP PNG, 12 MP WebP, all with paper gradients, ink strokes and sensor noise),
// a 9,000-character typed letter, a 10-page handwritten letter and a 50-letter print batch.
// Each scenario runs in its own process so its peak RSS (getrusage maxRSS) is its own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp, { type Sharp } from "sharp";
import { createI18n } from "../src/messages/i18n.js";
import { pdfLabelsFrom, renderBatchPdf, renderLetterPdf, type PdfLabels, type PrintableLetter } from "../src/media/pdf.js";
import { processLetterPage } from "../src/media/photo.js";

const MiB = 1024 * 1024;
const HANDWRITTEN_PAGES = 10;

// --- fixtures ------------------------------------------------------------------------------

/** xorshift32: deterministic, fast enough to fill 36 MB of pixels. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/**
 * A photographed page: uneven lighting (a diagonal gradient and a vignette), rows of ink strokes,
 * and per-pixel noise, so encoders and the normaliser work as hard as on a real phone photo.
 */
function photoPixels(width: number, height: number, seed: number): Buffer {
  const rand = prng(seed);
  const data = Buffer.alloc(width * height * 3);
  const lineEvery = Math.max(24, Math.round(height / 34));
  const stroke = Math.max(2, Math.round(width / 700));
  for (let y = 0; y < height; y++) {
    const inLine = y % lineEvery > lineEvery * 0.35 && y % lineEvery < lineEvery * 0.75;
    const dy = y / height - 0.5;
    for (let x = 0; x < width; x++) {
      const dx = x / width - 0.5;
      const light = 235 - 45 * (x / width + y / height) / 2 - 70 * (dx * dx + dy * dy);
      // Ink: blocky pseudo-strokes inside text rows, margins left clear.
      const cell = Math.floor(x / stroke) * 2_654_435_761 + Math.floor(y / stroke) * 40_503 + seed;
      const ink = inLine && x > width * 0.08 && x < width * 0.92 && ((cell ^ (cell >>> 15)) & 7) < 3;
      const base = ink ? 55 : light;
      const noise = (rand() - 0.5) * 28;
      const at = (y * width + x) * 3;
      data[at] = Math.max(0, Math.min(255, base + noise + 6));
      data[at + 1] = Math.max(0, Math.min(255, base + noise + 2));
      data[at + 2] = Math.max(0, Math.min(255, base + noise - 8));
    }
  }
  return data;
}

function photo(width: number, height: number, seed: number): Sharp {
  return sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } });
}

const fixtureFiles = {
  jpeg: "photo-12mp.jpg",
  png: "photo-4mp.png",
  webp: "photo-12mp.webp",
  page: (n: number) => `page-${n}.jpg`,
};

async function writeFixtures(dir: string): Promise<Record<string, string>> {
  const sizes: Record<string, string> = {};
  const save = (name: string, data: Buffer, label: string) => {
    writeFileSync(join(dir, name), data);
    sizes[label] = `${(data.length / MiB).toFixed(1)} MiB`;
  };
  // Stored landscape with EXIF orientation 6, as phones do; quality 92 like a camera app.
  save(fixtureFiles.jpeg, await photo(4032, 3024, 1).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer(), "12 MP JPEG (4032x3024)");
  save(fixtureFiles.png, await photo(1728, 2304, 2).png().toBuffer(), "4 MP PNG (1728x2304)");
  save(fixtureFiles.webp, await photo(3024, 4032, 3).webp({ quality: 85 }).toBuffer(), "12 MP WebP (3024x4032)");
  // Print-ready pages as the pipeline stores them: distinct photos, each processed once.
  for (let n = 0; n < HANDWRITTEN_PAGES; n++) {
    const page = await processLetterPage(await photo(1512, 2016, 10 + n).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(join(dir, fixtureFiles.page(n)), page.data);
  }
  sizes["processed page"] = `${(readFileSync(join(dir, fixtureFiles.page(0))).length / 1024).toFixed(0)} KiB`;
  return sizes;
}

// --- one scenario per child process ---------------------------------------------------------

interface Result {
  scenario: string;
  runs: number;
  "best ms": number;
  "median ms": number;
  output: string;
  "base RSS MiB": number;
  "peak RSS MiB": number;
  "peak heap MiB": number;
  "peak buffers MiB": number;
}

const recipient = {
  fullName: "Иванов Иван Иванович",
  birthYear: 1985,
  facility: "ФКУ ИК-2 УФСИН России по Республике Мордовия",
  postalAddress: "431130, Республика Мордовия, Зубово-Полянский район, пос. Ударный, ул. Центральная, д. 1",
};

function typedText(characters: number): string {
  const paragraph =
    "Здравствуйте! Сегодня шёл тёплый дождь, и я долго гулял по набережной, думая о книгах, которые хочу вам посоветовать. " +
    "Город осенью меняется: листья жёлтые, люди спешат, а в библиотеке тихо и пахнет бумагой. Как вы? Что читаете?\n\n";
  return paragraph.repeat(Math.ceil(characters / paragraph.length)).slice(0, characters);
}

function typedLetter(code: string, characters: number): PrintableLetter {
  return { code, recipient, returnAddress: "Lifeline, а/я 17, 101000, Москва", signature: "Аня из Калининграда", body: { kind: "typed", text: typedText(characters) }, printedOn: new Date() };
}

function handwrittenLetter(code: string, pages: Buffer[]): PrintableLetter {
  return { code, recipient, returnAddress: "Lifeline, а/я 17, 101000, Москва", signature: "Аня", body: { kind: "handwritten", pages }, printedOn: new Date() };
}

async function runScenario(name: string, dir: string): Promise<Result> {
  const i18n = createI18n();
  const labels: PdfLabels = pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
  const file = (f: string) => readFileSync(join(dir, f));
  const pages = Array.from({ length: HANDWRITTEN_PAGES }, (_, n) => file(fixtureFiles.page(n)));

  let work: () => Promise<Buffer[]>;
  let runs: number;
  let perItem = 1;
  switch (name) {
    case "photo 12 MP JPEG":
    case "photo 4 MP PNG":
    case "photo 12 MP WebP": {
      const input = file(name.endsWith("JPEG") ? fixtureFiles.jpeg : name.endsWith("PNG") ? fixtureFiles.png : fixtureFiles.webp);
      work = async () => [(await processLetterPage(input)).data];
      runs = 6;
      break;
    }
    case "album of 4 x 12 MP JPEG at once": {
      const input = file(fixtureFiles.jpeg);
      work = async () => (await Promise.all([0, 1, 2, 3].map(() => processLetterPage(input)))).map((p) => p.data);
      runs = 3;
      perItem = 4;
      break;
    }
    case "pdf typed 9,000 chars":
      work = async () => [await renderLetterPdf(typedLetter("L-TYPE", 9_000), labels)];
      runs = 10;
      break;
    case "pdf handwritten 10 pages":
      work = async () => [await renderLetterPdf(handwrittenLetter("L-HAND", pages), labels)];
      runs = 5;
      break;
    case "pdf batch of 50 letters": {
      // 40 typed letters of 1,500-9,000 characters and 10 handwritten ones of 1-4 pages.
      const letters = Array.from({ length: 50 }, (_, i) =>
        i % 5 === 4 ? handwrittenLetter(`L-B${i}`, pages.slice(i % 7, (i % 7) + 1 + (i % 4))) : typedLetter(`L-B${i}`, 1_500 + ((i * 1_777) % 7_500)),
      );
      work = async () => [await renderBatchPdf(letters, labels)];
      runs = 2;
      break;
    }
    default:
      throw new Error(`unknown scenario ${name}`);
  }

  await work(); // warm-up: fonts, sharp's thread pool, JIT
  globalThis.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakBuffers = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  };
  // Catches peaks while sharp works off the main thread; synchronous pdfkit work is sampled after each run.
  const sampler = setInterval(sample, 2);
  const times: number[] = [];
  let outputBytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const out = await work();
    times.push((performance.now() - started) / perItem);
    sample();
    outputBytes = out.reduce((sum, b) => sum + b.length, 0) / out.length;
  }
  clearInterval(sampler);
  times.sort((a, b) => a - b);
  return {
    scenario: name,
    runs: runs * perItem,
    "best ms": Math.round(times[0]!),
    "median ms": Math.round(times[Math.floor(times.length / 2)]!),
    output: outputBytes >= MiB ? `${(outputBytes / MiB).toFixed(1)} MiB` : `${Math.round(outputBytes / 1024)} KiB`,
    "base RSS MiB": Math.round(baseRss / MiB),
    // maxRSS is in KiB on Linux and covers the whole process life, warm-up included.
    "peak RSS MiB": Math.round((process.resourceUsage().maxRSS * 1024) / MiB),
    "peak heap MiB": Math.round(peakHeap / MiB),
    "peak buffers MiB": Math.round(peakBuffers / MiB),
  };
}

const scenarios = [
  "photo 12 MP JPEG",
  "photo 4 MP PNG",
  "photo 12 MP WebP",
  "album of 4 x 12 MP JPEG at once",
  "pdf typed 9,000 chars",
  "pdf handwritten 10 pages",
  "pdf batch of 50 letters",
];

async function main(): Promise<void> {
  const [flag, name, dir] = process.argv.slice(2);
  if (flag === "--scenario" && name && dir) {
    process.stdout.write(`${JSON.stringify(await runScenario(name, dir))}\n`);
    return;
  }
  const fixtures = mkdtempSync(join(tmpdir(), "lifeline-bench-media-"));
  try {
    const started = performance.now();
    const sizes = await writeFixtures(fixtures);
    console.log(`fixtures in ${((performance.now() - started) / 1000).toFixed(1)} s:`, sizes);
    const self = fileURLToPath(import.meta.url);
    const rows: Result[] = [];
    for (const scenario of scenarios) {
      const child = spawnSync(process.execPath, [...process.execArgv, self, "--scenario", scenario, fixtures], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      if (child.status !== 0) throw new Error(`scenario "${scenario}" failed with status ${child.status}`);
      rows.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Result);
    }
    console.table(rows);
    console.log("ms are per page for photos (per page of an album), per document for PDFs; peak RSS includes tsx and the warm-up run.");
  } finally {
    rmSync(fixtures, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// The scenarios of bench/media.ts, each run in a child process of its own (so its peak RSS is its
// own): Lifeline's code and a bare baseline on the same input, interleaved, medians compared.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import sharp, { type OutputInfo } from "sharp";
import { createI18n } from "../src/messages/i18n.js";
import { downloadLetterPage } from "../src/media/page-download.js";
import { pdfLabelsFrom, renderBatchPdf, renderLetterPdf, type PdfLabels } from "../src/media/pdf.js";
import { PAGE_MAX_HEIGHT, PAGE_MAX_WIDTH, processLetterPage } from "../src/media/photo.js";
import { BOMB_SIDE, HANDWRITTEN_PAGES, batchOf50, fixtureFiles, handwrittenLetter, typedLetter, typedText } from "./_media-fixtures.js";
import { median, peakRssMiB, report } from "./_report.js";

const BENCHMARK = "media";
const MiB = 1024 * 1024;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Runs both once to warm up (JIT, fonts, libvips' thread pool), then `runs` times each,
 * alternating which goes first; returns the median milliseconds of each.
 */
async function interleaved(runs: number, ours: () => Promise<unknown>, bare: () => Promise<unknown>): Promise<{ ours: number; bare: number }> {
  await ours();
  await bare();
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      oursMs.push(await timed(ours));
      bareMs.push(await timed(bare));
    } else {
      bareMs.push(await timed(bare));
      oursMs.push(await timed(ours));
    }
  }
  return { ours: median(oursMs), bare: median(bareMs) };
}

/** What a developer would write first: upright, fitted into the same box, the same JPEG quality. */
function barePage(input: Buffer): Promise<{ data: Buffer; info: OutputInfo }> {
  return sharp(input)
    .rotate()
    .resize(PAGE_MAX_WIDTH, PAGE_MAX_HEIGHT, { fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
}

const BARE_PAGE_LABEL = "bare sharp rotate+resize+jpeg, same size";

async function photoScenario(dir: string): Promise<void> {
  const input = readFileSync(join(dir, fixtureFiles.jpeg));
  const ours = await processLetterPage(input);
  const bare = await barePage(input);
  if (ours.width !== bare.info.width || ours.height !== bare.info.height) {
    throw new Error(`output sizes differ: ${ours.width}x${ours.height} vs ${bare.info.width}x${bare.info.height}`);
  }
  const ms = await interleaved(11, () => processLetterPage(input), () => barePage(input));
  report({
    id: "media.photo.jpeg12",
    benchmark: BENCHMARK,
    measure: `12 MP phone JPEG (EXIF 6) to a print page ${ours.width}x${ours.height}: checks, upright, grey, denoised, even paper, no metadata`,
    value: ms.ours,
    unit: "ms",
    baseline: ms.bare,
    baselineLabel: BARE_PAGE_LABEL,
    goal: { on: "ratio", op: ">=", target: 0.6 },
    lowerIsBetter: true,
  });
}

/** Other formats and an album: figures for information, beside the same bare baseline. */
async function formatsScenario(dir: string): Promise<void> {
  const rows = [
    { id: "media.photo.png4", measure: "4 MP PNG to a print page", file: fixtureFiles.png },
    { id: "media.photo.webp12", measure: "12 MP WebP to a print page", file: fixtureFiles.webp },
  ];
  for (const row of rows) {
    const input = readFileSync(join(dir, row.file));
    const ms = await interleaved(3, () => processLetterPage(input), () => barePage(input));
    report({ id: row.id, benchmark: BENCHMARK, measure: row.measure, value: ms.ours, unit: "ms", baseline: ms.bare, baselineLabel: BARE_PAGE_LABEL, lowerIsBetter: true });
  }
  const input = readFileSync(join(dir, fixtureFiles.jpeg));
  const album = 4;
  const ms = await interleaved(
    2,
    () => Promise.all(Array.from({ length: album }, () => processLetterPage(input))),
    () => Promise.all(Array.from({ length: album }, () => barePage(input))),
  );
  report({
    id: "media.photo.album4",
    benchmark: BENCHMARK,
    measure: "album of 4 x 12 MP JPEG at once, per page",
    value: ms.ours / album,
    unit: "ms",
    baseline: ms.bare / album,
    baselineLabel: BARE_PAGE_LABEL,
    lowerIsBetter: true,
  });
}

/** The bomb through the writer's real path: getFile, download from a local file server, refusal. */
async function bombScenario(dir: string): Promise<void> {
  const bytes = readFileSync(join(dir, fixtureFiles.bomb));
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const source = {
    api: { getFile: (fileId: string) => Promise.resolve({ file_id: fileId, file_unique_id: "bomb", file_size: bytes.length, file_path: "documents/page.png" }) },
    apiRoot: `http://127.0.0.1:${port}`,
    token: "1:bench",
    logger: { warn: () => undefined },
  };
  try {
    const rssBefore = process.memoryUsage().rss / MiB;
    const started = performance.now();
    const result = await downloadLetterPage(source, 1, "bomb-file");
    const ms = performance.now() - started;
    if (result.ok || result.reason !== "too-many-pixels") throw new Error(`the bomb was not refused as too-many-pixels: ${JSON.stringify(result.ok ? "accepted" : result.reason)}`);
    console.log(`bomb refused in ${ms.toFixed(0)} ms; RSS before the page ${rssBefore.toFixed(0)} MiB`);
    report({
      id: "media.bomb.rss",
      benchmark: BENCHMARK,
      measure: `peak RSS of a process refusing a ${BOMB_SIDE}x${BOMB_SIDE} PNG page (${(bytes.length / MiB).toFixed(1)} MiB file, ${Math.round((BOMB_SIDE * BOMB_SIDE * 3) / MiB)} MiB of pixels)`,
      value: peakRssMiB(),
      unit: "MiB",
      goal: { on: "value", op: "<=", target: 250 },
    });
  } finally {
    server.close();
  }
}

function labelsRu(): PdfLabels {
  const i18n = createI18n();
  return pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
}

const dejaVu = readFileSync(join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf", "DejaVuSans.ttf"));

function pdfBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** A bare pdfkit document: A4, DejaVu Sans from a Buffer, the text, nothing else. */
function barePdf(text: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4" });
  doc.font(dejaVu).fontSize(12).text(text);
  return pdfBuffer(doc);
}

/** A bare pdfkit document with one page image per A4 page, fitted into the margins. */
function barePagesPdf(pages: Buffer[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", autoFirstPage: false });
  for (const page of pages) {
    doc.addPage();
    doc.image(page, { fit: [doc.page.width - 144, doc.page.height - 144] });
  }
  return pdfBuffer(doc);
}

async function pdfScenario(dir: string): Promise<void> {
  const labels = labelsRu();
  const typed = typedLetter("L-TYPED", 3_000);
  const text = typedText(3_000);
  const ms = await interleaved(15, () => renderLetterPdf(typed, labels), () => barePdf(text));
  report({
    id: "media.pdf.typed3000",
    benchmark: BENCHMARK,
    measure: "typed letter, 3,000 Cyrillic characters, to a print PDF",
    value: ms.ours,
    unit: "ms",
    baseline: ms.bare,
    baselineLabel: "bare pdfkit A4, same text and DejaVu font",
    goal: { on: "ratio", op: ">=", target: 0.5 },
    lowerIsBetter: true,
  });
  const pages = Array.from({ length: HANDWRITTEN_PAGES }, (_, n) => readFileSync(join(dir, fixtureFiles.page(n))));
  const hand = handwrittenLetter("L-HAND", pages);
  const handMs = await interleaved(3, () => renderLetterPdf(hand, labels), () => barePagesPdf(pages));
  report({
    id: "media.pdf.handwritten",
    benchmark: BENCHMARK,
    measure: `handwritten letter, ${HANDWRITTEN_PAGES} page photos, to a print PDF`,
    value: handMs.ours,
    unit: "ms",
    baseline: handMs.bare,
    baselineLabel: "bare pdfkit, one image per A4 page",
    lowerIsBetter: true,
  });
}

async function batchScenario(dir: string): Promise<void> {
  const labels = labelsRu();
  const pages = Array.from({ length: HANDWRITTEN_PAGES }, (_, n) => readFileSync(join(dir, fixtureFiles.page(n))));
  const letters = batchOf50(pages);
  // Warm-up on two small letters (fonts, JIT, sharp), so the first batch's peak is the batch's own.
  await renderBatchPdf([typedLetter("L-WARM", 2_000), handwrittenLetter("L-WARM2", pages.slice(0, 1))], labels);
  let bytes = 0;
  const times = [
    await timed(async () => {
      bytes = (await renderBatchPdf(letters, labels)).length;
    }),
  ];
  const peakOneBatch = peakRssMiB();
  for (let i = 0; i < 2; i++) times.push(await timed(() => renderBatchPdf(letters, labels)));
  report({ id: "media.batch50.time", benchmark: BENCHMARK, measure: "print batch of 50 letters (40 typed, 10 handwritten) to one PDF", value: median(times), unit: "ms" });
  report({
    id: "media.batch50.rss",
    benchmark: BENCHMARK,
    measure: `peak RSS of a warmed-up process rendering the 50-letter batch (${(bytes / MiB).toFixed(0)} MiB PDF)`,
    value: peakOneBatch,
    unit: "MiB",
    goal: { on: "value", op: "<=", target: 250 },
  });
  console.log(`peak RSS after two more batches in a row: ${peakRssMiB().toFixed(0)} MiB (V8 is slow to free a finished PDF's Buffers)`);
}

export const scenarios: Record<string, (dir: string) => Promise<void>> = {
  photo: photoScenario,
  formats: formatsScenario,
  bomb: bombScenario,
  pdf: pdfScenario,
  batch: batchScenario,
};

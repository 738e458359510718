// What encrypting STORAGE_DIR costs (issue 10), in two measures, each against the same work with
// the storage's old unencrypted atomic write and plain read. Interleaved runs; medians of wall time
// and of CPU time (process.cpuUsage, thread pool included: steadier than wall time on a busy host).
//
// 1. The bare file: a 10-page letter PDF (noisy page photos, about 4.7 MB) put and got back. The
//    baseline is a copy into and out of the page cache, and AES-256-GCM runs at a few GB/s, so this
//    ratio is the harshest reading and cannot reach 10 %: it shows what the cipher path itself adds.
// 2. What a caller pays: the print job's file work for a 10-page handwritten letter (read its ten
//    stored pages, render the PDF, store the PDF). Goal: under 10 %.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";
import sharp from "sharp";
import { createI18n } from "../src/messages/i18n.js";
import { pdfLabelsFrom, renderLetterPdf, type PdfLabels } from "../src/media/pdf.js";
import { processLetterPage } from "../src/media/photo.js";
import { generateKeyBase64, parseKeyring } from "../src/privacy/cipher.js";
import { createFileStorage } from "../src/storage/index.js";
import { median, report } from "./_report.js";

const FILE_SAMPLES = 200;
const PRINT_SAMPLES = 30;

/** Noise compresses badly, like a photographed page. */
async function noisyPage(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height), { raw: { width, height, channels: 1 } }).jpeg({ quality: 60 }).toBuffer();
}

async function tenPagePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on("end", resolve));
  for (let i = 0; i < 10; i++) doc.addPage().image(await noisyPage(900, 1200), 0, 0, { width: 595 });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

interface Store {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

/** What the storage did before encryption: the same atomic temp-file-and-rename write, a plain read. */
function plainStore(root: string): Store {
  return {
    async put(key, bytes) {
      const target = join(root, key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(temp, bytes, { flag: "wx", mode: 0o600 });
      await rename(temp, target);
    },
    get: (key) => readFile(join(root, key)),
  };
}


interface Sample {
  wall: number;
  cpu: number;
}

/** Runs both sides in alternating order and prints the medians. */
async function compare(samples: number, warmUp: number, run: (store: Store, i: number) => Promise<void>, stores: Record<"plain" | "encrypted", Store>): Promise<{ plain: number; encrypted: number }> {
  const times = { plain: [] as Sample[], encrypted: [] as Sample[] };
  for (let i = 0; i < samples + warmUp; i++) {
    const order = i % 2 === 0 ? (["plain", "encrypted"] as const) : (["encrypted", "plain"] as const);
    for (const which of order) {
      const cpu0 = process.cpuUsage();
      const started = performance.now();
      await run(stores[which], i % 20);
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(cpu0);
      if (i >= warmUp) times[which].push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
    }
  }
  const line = (label: string, pick: (s: Sample) => number) => {
    const [p, e] = [median(times.plain.map(pick)), median(times.encrypted.map(pick))];
    return `  ${label}: ${p.toFixed(2)} ms without encryption, ${e.toFixed(2)} ms with: +${(((e - p) / p) * 100).toFixed(1)} % (ratio ${(e / p).toFixed(3)})`;
  };
  console.log(line("wall", (s) => s.wall));
  console.log(line("CPU ", (s) => s.cpu));
  return { plain: median(times.plain.map((s) => s.wall)), encrypted: median(times.encrypted.map((s) => s.wall)) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-bench-storage-"));
  const stores = { plain: plainStore(join(dir, "plain")), encrypted: createFileStorage(join(dir, "enc"), parseKeyring(generateKeyBase64())) };
  try {
    const pdf = await tenPagePdf();
    console.log(`1. a 10-page PDF (${(pdf.length / 1024 / 1024).toFixed(2)} MB), write+read (harshest: the baseline is the page cache):`);
    const bare = await compare(FILE_SAMPLES, 10, async (store, i) => {
      await store.put(`letters/${i}/letter.pdf`, pdf);
      if ((await store.get(`letters/${i}/letter.pdf`))?.length !== pdf.length) throw new Error("the PDF did not read back");
    }, stores);

    // Pages as the intake stores them (processLetterPage output), from photographed-page-sized noise.
    const pages = await Promise.all(Array.from({ length: 10 }, async () => (await processLetterPage(await noisyPage(1512, 2016))).data));
    for (const store of Object.values(stores)) await Promise.all(pages.map((page, n) => store.put(`letters/print/page-${n + 1}.jpg`, page)));
    const i18n = createI18n();
    const labels: PdfLabels = pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
    const recipient = { fullName: "Иванов Иван Иванович", birthYear: 1985, facility: "ФКУ ИК-2 УФСИН России по Республике Мордовия", postalAddress: "431130, пос. Ударный, ул. Центральная, д. 1" };
    const kib = pages.reduce((sum, page) => sum + page.length, 0) / 1024;
    console.log(`2. the print job's file work for a 10-page handwritten letter (pages ${kib.toFixed(0)} KiB in all; read, render, store the PDF):`);
    const printJob = await compare(PRINT_SAMPLES, 3, async (store, i) => {
      const stored = await Promise.all(pages.map(async (_, n) => (await store.get(`letters/print/page-${n + 1}.jpg`)) ?? Buffer.alloc(0)));
      const letterPdf = await renderLetterPdf({ code: "LB-BENCH", recipient, signature: "Аня", body: { kind: "handwritten", pages: stored }, printedOn: new Date() }, labels);
      await store.put(`letters/${i}/letter.pdf`, letterPdf);
    }, stores);
    const bench = "files encrypted at rest";
    report({ id: "storage.file", benchmark: bench, measure: "a 10-page PDF written and read back", value: bare.encrypted, unit: "ms", baseline: bare.plain, baselineLabel: "plain files", lowerIsBetter: true });
    report({
      id: "storage.print-job",
      benchmark: bench,
      measure: "the print job's file work, 10-page handwritten letter",
      value: printJob.encrypted,
      unit: "ms",
      baseline: printJob.plain,
      baselineLabel: "plain files",
      // Shown, not judged here: issue 10's "under 10 %" was met when measured; the figure is kept to watch.
      lowerIsBetter: true,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

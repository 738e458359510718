import { mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { checkPdfTools, PdfRejectedError, PdfToolsMissingError, rasterisePdf, splitPngs } from "../../src/media/pdf-scrub.js";
import { processLetterPage } from "../../src/media/photo.js";
import { canaryPdf } from "../helpers/canary-pdf.js";
import { meanGrey } from "./images.js";

const CANARY = "PdfScrubCanary7Q";

async function reason(pdf: Buffer, maxPages = 30): Promise<string> {
  try {
    await rasterisePdf(pdf, maxPages);
  } catch (err) {
    if (err instanceof PdfRejectedError) return err.reason;
    throw err;
  }
  return "accepted";
}

describe("reply PDFs are rasterised", () => {
  it("keeps the pages readable and drops document info, XMP and the embedded image's EXIF", async () => {
    const pdf = await canaryPdf(CANARY, 2);
    // The input really carries the canary in all three places.
    const raw = pdf.toString("latin1");
    expect(raw).toContain(`Author-${CANARY}`);
    expect(raw).toContain("<x:xmpmeta");
    expect(raw).toContain(`Make-${CANARY}`);

    const rendered = await rasterisePdf(pdf, 30);
    expect(rendered).toHaveLength(2);
    for (const png of rendered) {
      expect(png.toString("latin1")).not.toContain(CANARY);
      const page = await processLetterPage(png);
      expect(page.data.toString("latin1")).not.toContain(CANARY);
      const meta = await sharp(page.data).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      // A4 at 200 dpi, and the page still shows its text and the dark block of the scanned image.
      expect(page.width).toBeGreaterThan(1500);
      const scale = page.width / 595;
      const text = await meanGrey(page.data, { left: Math.round(72 * scale), top: Math.round(72 * scale), width: Math.round(400 * scale), height: Math.round(30 * scale) });
      const block = await meanGrey(page.data, { left: Math.round(160 * scale), top: Math.round(400 * scale), width: Math.round(200 * scale), height: Math.round(40 * scale) });
      const margin = await meanGrey(page.data, { left: 5, top: page.height - 60, width: 200, height: 50 });
      expect(margin).toBeGreaterThan(240);
      expect(text).toBeLessThan(margin - 20);
      expect(block).toBeLessThan(80);
    }
  });

  it("refuses a PDF with more pages than the reply has room for", async () => {
    expect(await reason(await canaryPdf(CANARY, 3), 2)).toBe("too-many-pages");
  });

  it("refuses what poppler cannot render", async () => {
    const fake = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(200, 32), Buffer.from("\n%%EOF\n")]);
    expect(await reason(fake)).toBe("corrupted");
    const pdf = await canaryPdf(CANARY, 1);
    expect(await reason(pdf.subarray(0, Math.floor(pdf.length / 3)))).toBe("corrupted");
  });
});

/** `pages` A4 pages, page k (1-based) with one black band at 100 + 150·(k-1) pt from the top. */
async function bandedPdf(pages: number): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on("end", resolve));
  for (let k = 1; k <= pages; k++) doc.addPage().rect(72, 100 + 150 * (k - 1), 450, 60).fill("black");
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

describe("rasterising touches no disk", () => {
  it("writes nothing to the temp folder or the working folder, and every page comes out in order", async () => {
    // Private folders, so files other tests create in /tmp do not count: the scrub (and the
    // poppler tools it starts, which inherit TMPDIR and the working folder) see only these.
    const temp = mkdtempSync(join(tmpdir(), "lifeline-scrub-tmp-"));
    const cwd = mkdtempSync(join(tmpdir(), "lifeline-scrub-cwd-"));
    const [savedTmp, savedCwd] = [process.env.TMPDIR, process.cwd()];
    const seen: string[] = [];
    const watchers = [watch(temp, (_, name) => seen.push(`tmp/${String(name)}`)), watch(cwd, (_, name) => seen.push(`cwd/${String(name)}`))];
    process.env.TMPDIR = temp;
    process.chdir(cwd);
    try {
      expect(tmpdir()).toBe(temp);
      const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
      // The watch works: a file written here is seen (and removed before the scrub).
      writeFileSync(join(temp, "probe"), "x");
      rmSync(join(temp, "probe"));
      await settle();
      expect(seen).toContain("tmp/probe");
      seen.length = 0;

      const rendered = await rasterisePdf(await bandedPdf(3), 30);
      await rasterisePdf(await canaryPdf(CANARY, 2), 30);
      await settle();
      expect(seen).toEqual([]);
      expect(readdirSync(temp)).toEqual([]);
      expect(readdirSync(cwd)).toEqual([]);

      expect(rendered).toHaveLength(3);
      for (const [index, png] of rendered.entries()) {
        const meta = await sharp(png).metadata();
        expect(meta.format).toBe("png");
        expect(meta.width).toBe(Math.round((595.28 / 72) * 200));
        const scale = (meta.width ?? 0) / 595.28;
        const bands = await Promise.all(
          [0, 1, 2].map((k) => meanGrey(png, { left: Math.round(100 * scale), top: Math.round((110 + 150 * k) * scale), width: Math.round(300 * scale), height: Math.round(40 * scale) })),
        );
        bands.forEach((grey, k) => (k === index ? expect(grey).toBeLessThan(10) : expect(grey).toBeGreaterThan(245)));
      }
    } finally {
      watchers.forEach((w) => w.close());
      process.chdir(savedCwd);
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      rmSync(temp, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("pdftoppm's output stream", () => {
  it("is cut into whole PNGs, and a cut or foreign stream is refused", async () => {
    const one = await sharp({ create: { width: 3, height: 2, channels: 3, background: "black" } }).png().toBuffer();
    const two = await sharp({ create: { width: 5, height: 4, channels: 3, background: "white" } }).png().toBuffer();
    const parts = splitPngs(Buffer.concat([one, two, one]));
    expect(parts?.map((p) => p.length)).toEqual([one.length, two.length, one.length]);
    expect((await sharp(parts?.[1]).metadata()).width).toBe(5);
    expect(splitPngs(Buffer.alloc(0))).toEqual([]);
    expect(splitPngs(Buffer.concat([one, two.subarray(0, two.length - 3)]))).toBeUndefined();
    expect(splitPngs(Buffer.concat([one, Buffer.from("P5\n3 2\n255\n")]))).toBeUndefined();
  });
});

describe("a server without poppler-utils", () => {
  it("is told apart from a damaged PDF, and the check at start names the package", async () => {
    expect(await checkPdfTools()).toBeUndefined();
    const pdf = await canaryPdf(CANARY, 1);
    const empty = mkdtempSync(join(tmpdir(), "lifeline-no-poppler-"));
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      const missing = await checkPdfTools();
      expect(missing?.message).toBe(
        "pdfinfo (poppler-utils) is not installed: reply scans sent as PDF cannot be read; install it with sudo apt install poppler-utils",
      );
      const err = await rasterisePdf(pdf, 30).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(PdfToolsMissingError);
      expect(err).not.toBeInstanceOf(PdfRejectedError);
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

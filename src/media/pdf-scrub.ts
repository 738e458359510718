// Reply scans that operators send as PDFs are rasterised: every page is rendered to pixels by
// poppler's pdftoppm and then goes through the same image pipeline as photographed pages
// (processLetterPage), so what is stored and forwarded is a fresh JPEG per page.
//
// Why rasterise instead of rewriting the PDF (pdf-lib): a rewrite drops the document info and the
// XMP packet, but copies page content byte for byte — a scanner's JPEG inside the PDF keeps its
// EXIF (scanner model, serial, software), and annotations, embedded files, page-level /Metadata
// and /PieceInfo, or text drawn in white stay too. Pixels carry none of that, and the writer gets
// pages that read the same. The cost is a Debian tool (poppler-utils: the README's install steps, .ci/run
// and the Dockerfile install it; the bot warns at start when it is missing) and a second or so of CPU per page.
//
// The operator's PDF never touches the disk in clear: pdfinfo and pdftoppm read it from standard
// input ("-", which poppler keeps in memory) and pdftoppm writes the pages to standard output, one
// PNG after another (no output root given: poppler 22 takes a root of "-" as a file name and
// would write "-.png" into the working folder).
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Matches PAGE_MAX_* in photo.ts: A4 at 200 dpi. */
export const RASTER_DPI = 200;
/** A hostile PDF must not hold a worker for long. */
const RENDER_TIMEOUT_MS = 60_000;
/** A page larger than this (in points, 1/72 in) is not a letter page; it would render as a bomb. */
const MAX_PAGE_POINTS = 2000;

export type PdfRejectionReason = "corrupted" | "too-many-pages";

export class PdfRejectedError extends Error {
  override readonly name = "PdfRejectedError";
  constructor(
    readonly reason: PdfRejectionReason,
    options?: { cause?: unknown },
  ) {
    super(`pdf rejected: ${reason}`, options);
  }
}

/** poppler's tools are not on this server: an installation to fix, not a bad PDF. */
export class PdfToolsMissingError extends Error {
  override readonly name = "PdfToolsMissingError";
  constructor(tool: string) {
    super(`${tool} (poppler-utils) is not installed: reply scans sent as PDF cannot be read; install it with sudo apt install poppler-utils`);
  }
}

/** The program itself was not found (as opposed to the program refusing the file). */
function notInstalled(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "ENOENT";
}

/**
 * Whether pdfinfo and pdftoppm can be run here. A Debian installed from the README without
 * poppler-utils would otherwise call every reply PDF damaged.
 */
export async function checkPdfTools(): Promise<PdfToolsMissingError | undefined> {
  for (const tool of ["pdfinfo", "pdftoppm"]) {
    try {
      await run(tool, ["-v"], { timeout: RENDER_TIMEOUT_MS });
    } catch (err) {
      if (notInstalled(err)) return new PdfToolsMissingError(tool);
      // Old poppler versions exit non-zero for -v: the tool is there.
    }
  }
  return undefined;
}

/** A tool that exited non-zero, was killed at its time limit, or wrote more than allowed. */
class ToolFailedError extends Error {
  override readonly name = "ToolFailedError";
}

/**
 * Runs `tool` with `input` on its standard input and returns its standard output. The child is
 * killed at `timeoutMs` or when its output passes `maxBytes`. ENOENT (not installed) is passed on
 * as the spawn error, so notInstalled() can tell it apart.
 */
function pipeThrough(tool: string, args: readonly string[], input: Uint8Array, { timeoutMs, maxBytes }: { timeoutMs: number; maxBytes: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    const stop = (err: Error) => {
      failure ??= err;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(new ToolFailedError(`${tool} took longer than ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(new ToolFailedError(`${tool} wrote more than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 500) stderr += chunk.toString("utf8");
    });
    // The tool may stop reading (a damaged file, a kill): its exit code says what happened.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (code !== 0) reject(new ToolFailedError(`${tool} exited with ${code}: ${stderr.trim().slice(0, 300)}`));
      else resolve(Buffer.concat(chunks, size));
    });
  });
}

/** Page count and the largest page size, from pdfinfo; throws when poppler cannot read the file. */
async function inspect(pdf: Uint8Array): Promise<{ pages: number; largest: number }> {
  const stdout = (await pipeThrough("pdfinfo", ["-l", "-1", "-"], pdf, { timeoutMs: RENDER_TIMEOUT_MS, maxBytes: 4 * 1024 * 1024 })).toString("utf8");
  const pages = Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1] ?? NaN);
  let largest = 0;
  for (const m of stdout.matchAll(/size:\s+([\d.]+) x ([\d.]+) pts/g)) largest = Math.max(largest, Number(m[1]), Number(m[2]));
  if (!Number.isInteger(pages) || pages < 1) throw new Error("pdfinfo reported no pages");
  return { pages, largest };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** MAX_PAGE_POINTS at RASTER_DPI in grey is about 31 MP: its PNG is never near this. */
const MAX_PAGE_PNG_BYTES = 64 * 1024 * 1024;

/**
 * pdftoppm writes the pages' PNGs one after another on stdout: cut them apart at each IEND chunk
 * (a PNG is its signature, then chunks of length | type | data | CRC). Undefined when the stream
 * is not whole PNGs.
 */
export function splitPngs(stream: Buffer): Buffer[] | undefined {
  const images: Buffer[] = [];
  let start = 0;
  while (start < stream.length) {
    if (!stream.subarray(start, start + PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return undefined;
    let at = start + PNG_SIGNATURE.length;
    for (;;) {
      if (at + 12 > stream.length) return undefined;
      const length = stream.readUInt32BE(at);
      const type = stream.toString("latin1", at + 4, at + 8);
      at += 12 + length;
      if (at > stream.length) return undefined;
      if (type === "IEND") break;
    }
    images.push(stream.subarray(start, at));
    start = at;
  }
  return images;
}

/**
 * Every page of `pdf` as a greyscale PNG rendered at RASTER_DPI, in page order. Nothing of the
 * PDF's structure survives, and nothing is written to disk. Throws PdfRejectedError for files
 * poppler cannot render or that have more than `maxPages` pages.
 */
export async function rasterisePdf(pdf: Uint8Array, maxPages: number): Promise<Buffer[]> {
  let info: { pages: number; largest: number };
  try {
    info = await inspect(pdf);
  } catch (err) {
    if (notInstalled(err)) throw new PdfToolsMissingError("pdfinfo");
    throw new PdfRejectedError("corrupted", { cause: err });
  }
  if (info.pages > maxPages) throw new PdfRejectedError("too-many-pages");
  if (info.largest > MAX_PAGE_POINTS) throw new PdfRejectedError("corrupted");
  let stream: Buffer;
  try {
    // One run for all pages (a run per page costs poppler's start-up and font set-up each time:
    // 5 pages took 5.1 s that way, 3.3 s in one run).
    stream = await pipeThrough("pdftoppm", ["-r", String(RASTER_DPI), "-gray", "-png", "-"], pdf, {
      timeoutMs: RENDER_TIMEOUT_MS * info.pages,
      maxBytes: MAX_PAGE_PNG_BYTES * info.pages,
    });
  } catch (err) {
    if (notInstalled(err)) throw new PdfToolsMissingError("pdftoppm");
    throw new PdfRejectedError("corrupted", { cause: err });
  }
  const pages = splitPngs(stream);
  if (pages?.length !== info.pages) throw new PdfRejectedError("corrupted");
  return pages;
}

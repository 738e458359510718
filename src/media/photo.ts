import { createHash } from "node:crypto";
import sharp, { type Metadata } from "sharp";
import { backgroundScale, closePaper, flattenPage, medianFilter3, type GreyImage } from "./page-tone.js";

/** Telegram's Bot API refuses getFile downloads above 20 MB; nothing larger can reach us. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Decompression-bomb guard: a phone photo is 12-50 MP; a letter page needs far less. */
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;

/** A4 at about 200 dpi: sharp enough for handwriting, small enough to store and print fast. */
export const PAGE_MAX_WIDTH = 1654;
export const PAGE_MAX_HEIGHT = 2339;

const JPEG_QUALITY = 85;

export type SniffedImageFormat = "jpeg" | "png" | "webp" | "heic" | "gif" | "tiff" | "pdf" | "unknown";

export type ImageRejectionReason =
  | "unsupported-format"
  | "heic"
  | "too-many-pixels"
  | "corrupted"
  | "too-large-file"
  | "empty";

export class ImageRejectedError extends Error {
  override readonly name = "ImageRejectedError";
  constructor(
    readonly reason: ImageRejectionReason,
    options?: { cause?: unknown },
  ) {
    super(`image rejected: ${reason}`, options);
  }
}

export interface ProcessedPage {
  data: Buffer;
  format: "jpeg";
  width: number;
  height: number;
  /** Hex SHA-256 of `data`: lets storage deduplicate a page sent twice. */
  sha256: string;
}

export interface ProcessLetterPageOptions {
  maxInputPixels?: number;
}

// ISO-BMFF major/compatible brands of HEIF images (iPhone photos are "heic").
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

function startsWith(buf: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (buf.length < offset + bytes.length) return false;
  return bytes.every((b, i) => buf[offset + i] === b);
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, Math.max(0, Math.min(end, buf.length) - start)).toString("latin1");
}

function sniffIsoBmff(buf: Uint8Array): SniffedImageFormat | undefined {
  if (buf.length < 12 || ascii(buf, 4, 8) !== "ftyp") return undefined;
  const boxSize = Buffer.from(buf.buffer, buf.byteOffset, 4).readUInt32BE(0);
  const brands = [ascii(buf, 8, 12)];
  // Compatible brands follow the 4-byte minor version; an AVIF file may say "mif1" first.
  for (let at = 16; at + 4 <= Math.min(boxSize, buf.length, 256); at += 4) brands.push(ascii(buf, at, at + 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return "unknown";
  if (brands.some((b) => HEIF_BRANDS.has(b))) return "heic";
  return "unknown";
}

/** The real format from the leading bytes; file names and Telegram's mime types are not trusted. */
export function sniffImageFormat(buf: Uint8Array): SniffedImageFormat {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (ascii(buf, 0, 4) === "RIFF" && ascii(buf, 8, 12) === "WEBP") return "webp";
  const gif = ascii(buf, 0, 6);
  if (gif === "GIF87a" || gif === "GIF89a") return "gif";
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (ascii(buf, 0, 5) === "%PDF-") return "pdf";
  return sniffIsoBmff(buf) ?? "unknown";
}

function isPixelLimitError(err: unknown): boolean {
  return err instanceof Error && /pixel limit/i.test(err.message);
}

/**
 * The paper's brightness on a small copy of `page` (see page-tone.ts), smoothed; flattenPage
 * scales it up as it goes, so no full-size background image is ever made.
 */
async function paperBackground(page: GreyImage): Promise<GreyImage> {
  const raw = (width: number, height: number) => ({ raw: { width, height, channels: 1 as const } });
  const small = backgroundScale(page.width, page.height);
  const shrunk = await sharp(page.data, raw(page.width, page.height)).resize(small.width, small.height, { fit: "fill" }).toColourspace("b-w").raw().toBuffer();
  const closed = closePaper({ data: shrunk, ...small });
  // The closing leaves square steps; a blur on the small copy turns them into smooth lighting.
  const smooth = await sharp(closed, raw(small.width, small.height))
    .blur(Math.max(0.5, Math.min(small.width, small.height) / 40))
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  return { data: smooth, ...small };
}

/**
 * Turns a photo of a handwritten page (or a reply scan) into a clean page: upright, without any
 * metadata (EXIF GPS, camera, ICC, XMP), one grey channel, white paper and dark ink whatever the
 * lighting or the amount of writing (see page-tone.ts), fitted inside A4 at 200 dpi.
 * Throws ImageRejectedError for anything the bot should answer with "send another picture".
 */
export async function processLetterPage(input: Buffer, opts: ProcessLetterPageOptions = {}): Promise<ProcessedPage> {
  const maxInputPixels = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (input.length === 0) throw new ImageRejectedError("empty");
  if (input.length > MAX_IMAGE_BYTES) throw new ImageRejectedError("too-large-file");

  const sniffed = sniffImageFormat(input);
  if (sniffed === "heic") throw new ImageRejectedError("heic");
  if (sniffed !== "jpeg" && sniffed !== "png" && sniffed !== "webp") throw new ImageRejectedError("unsupported-format");

  // "warning" (the strictest level) also refuses JPEGs with corrupt entropy data, which would
  // otherwise print as smeared garbage; truncated files fail at every level but "none".
  const inputOptions = { failOn: "warning", limitInputPixels: maxInputPixels, sequentialRead: true } as const;

  let header: Metadata;
  try {
    header = await sharp(input, inputOptions).metadata();
  } catch (err) {
    throw new ImageRejectedError(isPixelLimitError(err) ? "too-many-pixels" : "corrupted", { cause: err });
  }
  // The decoder must agree with the magic bytes, so no other libvips loader ever sees writer input.
  if (header.format !== sniffed) throw new ImageRejectedError("unsupported-format");
  // Checked from the header before any pixel is decoded.
  if (header.width * header.height > maxInputPixels) throw new ImageRejectedError("too-many-pixels");

  try {
    const { data: grey, info } = await sharp(input, inputOptions)
      .autoOrient() // apply the EXIF orientation; the tag goes with the rest of the metadata
      .flatten({ background: "#ffffff" }) // transparent scans must not print black
      .resize({ width: PAGE_MAX_WIDTH, height: PAGE_MAX_HEIGHT, fit: "inside", withoutEnlargement: true })
      .toColourspace("b-w")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
    const page: GreyImage = { data: grey, width: info.width, height: info.height };
    // Sensor noise would otherwise be stretched along with faint ink into grey speckle. In
    // JavaScript on one grey channel: libvips' median ran after the resize on all three colour
    // channels, the slowest step of the page (see bench/media.ts).
    const denoised: GreyImage = { data: medianFilter3(page), width: page.width, height: page.height };
    const { data: clean } = flattenPage(denoised, await paperBackground(denoised));
    const data = await sharp(clean, { raw: { width: info.width, height: info.height, channels: 1 } })
      .toColourspace("b-w")
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: false })
      // No withMetadata()/withExif()/keepIccProfile(): sharp writes none of the input's metadata.
      .toBuffer();
    return {
      data,
      format: "jpeg",
      width: info.width,
      height: info.height,
      sha256: createHash("sha256").update(data).digest("hex"),
    };
  } catch (err) {
    throw new ImageRejectedError(isPixelLimitError(err) ? "too-many-pixels" : "corrupted", { cause: err });
  }
}

// Realistic input for bench/media.ts, written once per run to a scratch folder: phone photos of a
// handwritten page (sensor noise, uneven light, ink strokes), a decompression-bomb PNG, processed
// pages for handwritten letters, and typed Cyrillic letters.
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDeflate } from "node:zlib";
import sharp, { type Sharp } from "sharp";
import type { PrintableLetter } from "../src/media/pdf.js";
import { processLetterPage } from "../src/media/photo.js";
import { pngChunk } from "../tests/media/images.js";
import { prng } from "../tests/media/pages.js";

const MiB = 1024 * 1024;
export const HANDWRITTEN_PAGES = 6;
export const BOMB_SIDE = 20_000;

export const fixtureFiles = {
  jpeg: "photo-12mp.jpg",
  png: "photo-4mp.png",
  webp: "photo-12mp.webp",
  bomb: "bomb-20000.png",
  page: (n: number) => `page-${n}.jpg`,
};

/**
 * A photographed page: uneven lighting (a diagonal gradient and a vignette), rows of ink strokes,
 * and per-pixel noise, so decoders, encoders and the normaliser work as hard as on a real photo.
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
      const light = 235 - (45 * (x / width + y / height)) / 2 - 70 * (dx * dx + dy * dy);
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

/**
 * A complete, valid side x side RGB PNG of white paper: 1.2 GB of pixels in about 5 MiB, under
 * Telegram's 20 MB download limit. Deflated row block by row block so this process stays small.
 */
export async function bombPng(side = BOMB_SIDE): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const deflate = createDeflate({ level: 1, chunkSize: MiB });
  const idat: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => idat.push(chunk));
  const row = Buffer.alloc(1 + side * 3, 0xff);
  row[0] = 0; // filter: none
  const rowsPerBlock = 50;
  const block = Buffer.concat(Array.from({ length: rowsPerBlock }, () => row));
  for (let y = 0; y < side; y += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, side - y);
    if (!deflate.write(rows === rowsPerBlock ? block : block.subarray(0, rows * row.length))) await once(deflate, "drain");
  }
  const ended = once(deflate, "end");
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", Buffer.concat(idat)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Writes every fixture into `dir`; returns their sizes, for the log. */
export async function writeFixtures(dir: string): Promise<Record<string, string>> {
  const sizes: Record<string, string> = {};
  const save = (name: string, data: Buffer, label: string) => {
    writeFileSync(join(dir, name), data);
    sizes[label] = `${(data.length / MiB).toFixed(1)} MiB`;
  };
  // Stored landscape with EXIF orientation 6, as phones do; quality 92 like a camera app.
  save(fixtureFiles.jpeg, await photo(4032, 3024, 1).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer(), "12 MP JPEG (4032x3024, EXIF 6)");
  save(fixtureFiles.png, await photo(1728, 2304, 2).png().toBuffer(), "4 MP PNG (1728x2304)");
  save(fixtureFiles.webp, await photo(3024, 4032, 3).webp({ quality: 85 }).toBuffer(), "12 MP WebP (3024x4032)");
  save(fixtureFiles.bomb, await bombPng(), `bomb PNG (${BOMB_SIDE}x${BOMB_SIDE} RGB)`);
  // Print-ready pages as the pipeline stores them: distinct photos, each processed once.
  for (let n = 0; n < HANDWRITTEN_PAGES; n++) {
    const page = await processLetterPage(await photo(1512, 2016, 10 + n).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(join(dir, fixtureFiles.page(n)), page.data);
  }
  sizes["processed page"] = `${(readFileSync(join(dir, fixtureFiles.page(0))).length / 1024).toFixed(0)} KiB`;
  return sizes;
}

// --- letters ----------------------------------------------------------------------------------

export const recipient = {
  fullName: "Иванов Иван Иванович",
  birthYear: 1985,
  facility: "ФКУ ИК-2 УФСИН России по Республике Мордовия",
  postalAddress: "431130, Республика Мордовия, Зубово-Полянский район, пос. Ударный, ул. Центральная, д. 1",
};

export function typedText(characters: number): string {
  const paragraph =
    "Здравствуйте! Сегодня шёл тёплый дождь, и я долго гулял по набережной, думая о книгах, которые хочу вам посоветовать. " +
    "Город осенью меняется: листья жёлтые, люди спешат, а в библиотеке тихо и пахнет бумагой. Как вы? Что читаете?\n\n";
  return paragraph.repeat(Math.ceil(characters / paragraph.length)).slice(0, characters);
}

const returnAddress = "Lifeline, а/я 17, 101000, Москва";

export function typedLetter(code: string, characters: number): PrintableLetter {
  return { code, recipient, returnAddress, signature: "Аня из Калининграда", body: { kind: "typed", text: typedText(characters) }, printedOn: new Date() };
}

export function handwrittenLetter(code: string, pages: Buffer[]): PrintableLetter {
  return { code, recipient, returnAddress, signature: "Аня", body: { kind: "handwritten", pages }, printedOn: new Date() };
}

/** 40 typed letters of 1,500-9,000 characters and 10 handwritten ones of 1-4 pages. */
export function batchOf50(pages: Buffer[]): PrintableLetter[] {
  return Array.from({ length: 50 }, (_, i) =>
    i % 5 === 4
      ? handwrittenLetter(`L-B${i}`, pages.slice(i % (pages.length - 3), (i % (pages.length - 3)) + 1 + (i % 4)))
      : typedLetter(`L-B${i}`, 1_500 + ((i * 1_777) % 7_500)),
  );
}

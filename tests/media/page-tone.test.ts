// The fast paths of page-tone.ts against straightforward versions: the median against libvips'
// rank filter, the van Herk closing against a window scanned pixel by pixel.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { closePaper, medianFilter3 } from "../../src/media/page-tone.js";
import { prng } from "./pages.js";

function noisy(width: number, height: number, seed: number): Uint8Array {
  const rand = prng(seed);
  // Smooth paper, a dark stroke, and noise over the whole range, so every comparison matters.
  return Uint8Array.from({ length: width * height }, (_, i) => {
    const x = i % width;
    const base = x > width / 3 && x < width / 2 ? 40 : 200;
    return Math.max(0, Math.min(255, Math.round(base + (rand() - 0.5) * 160)));
  });
}

/** Running max then min over a clipped square window, one pixel at a time. */
function naiveClosing(data: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const pass = (src: Uint8Array, max: boolean): Uint8Array => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let best = max ? 0 : 255;
        for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) {
          for (let i = Math.max(0, x - r); i <= Math.min(width - 1, x + r); i++) {
            const v = src[j * width + i]!;
            best = max ? Math.max(best, v) : Math.min(best, v);
          }
        }
        out[y * width + x] = best;
      }
    }
    return out;
  };
  return pass(pass(data, true), false);
}

describe("page tone", () => {
  it("medianFilter3 gives libvips' 3x3 median, borders included", async () => {
    for (const [width, height] of [[97, 61], [3, 3], [4, 9]] as const) {
      const data = noisy(width, height, width * 31 + height);
      const expected = await sharp(Buffer.from(data), { raw: { width, height, channels: 1 } }).median(3).toColourspace("b-w").raw().toBuffer();
      expect(Buffer.from(medianFilter3({ data, width, height })).equals(expected), `${width}x${height}`).toBe(true);
    }
  });

  it("closePaper's closing matches a pixel-by-pixel window above its shadow floor", () => {
    for (const [width, height] of [[80, 60], [37, 101], [5, 5]] as const) {
      const data = noisy(width, height, width + height);
      const r = Math.max(2, Math.round(Math.min(width, height) * 0.08));
      const naive = naiveClosing(data, width, height, r);
      const closed = closePaper({ data, width, height });
      // closePaper raises the deepest shadows to a floor; everywhere else it is the plain closing.
      const floor = Math.min(...closed);
      for (let i = 0; i < closed.length; i++) expect(closed[i], `${width}x${height} at ${i}`).toBe(Math.max(naive[i]!, floor));
    }
  });
});

// A corpus of synthetic page photos for the tone tests: handwriting-like strokes (smooth loops,
// words and lines, seeded so every run draws the same page), paper colours, pencil, ballpoint,
// crayon drawings, shadows and sensor noise. Each ink is drawn as its own layer, so a test knows
// exactly which pixels were ink and which were paper.
import sharp from "sharp";

export const A4_WIDTH = 1654;
export const A4_HEIGHT = 2339;

export type Rgb = readonly [number, number, number];

export const CREAM: Rgb = [240, 230, 205];
export const WHITE: Rgb = [255, 255, 255];
export const BLACK_INK: Rgb = [30, 32, 45];
export const BLUE_BALLPOINT: Rgb = [40, 60, 150];
export const PENCIL: Rgb = [160, 160, 165];

/** One ink: SVG shapes (drawn with `currentColor` strokes or fills) in one colour. */
export interface InkLayer {
  name: string;
  colour: Rgb;
  /** SVG elements, drawn with the layer's stroke; filled shapes say fill="currentColor". */
  shapes: string;
  strokeWidth: number;
  /** 1 = solid ink; below 1 the stroke is thin and grainy like graphite. */
  opacity?: number;
}

export interface PageSpec {
  name: string;
  width: number;
  height: number;
  paper: Rgb;
  inks: InkLayer[];
  /** Lighting factor at the left and right edge (a shadow across the page); default 1 and 1. */
  light?: { left: number; right: number };
  /** Standard deviation of per-pixel noise, in grey levels. */
  noise: number;
  format: "jpeg" | "png";
}

/** xorshift32: deterministic pages. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** A smooth curve through the points (Catmull-Rom as cubic Béziers). */
function smoothPath(points: Array<[number, number]>): string {
  const at = (i: number) => points[Math.max(0, Math.min(points.length - 1, i))] ?? [0, 0];
  const f = (n: number) => n.toFixed(1);
  let d = `M ${f(at(0)[0])} ${f(at(0)[1])}`;
  for (let i = 0; i < points.length - 1; i++) {
    const [p0, p1, p2, p3] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C ${f(c1[0] ?? 0)} ${f(c1[1] ?? 0)} ${f(c2[0] ?? 0)} ${f(c2[1] ?? 0)} ${f(p2[0])} ${f(p2[1])}`;
  }
  return d;
}

/**
 * Handwriting-like lines: each word is one smooth stroke that wavers between the baseline and
 * the x-height, with the odd ascender or descender, like joined-up cursive.
 */
export function handwriting(opts: { lines: number; seed: number; top?: number; left?: number; right?: number; spacing?: number; xHeight?: number; lastLineShare?: number }): string {
  const rand = prng(opts.seed);
  const left = opts.left ?? 170;
  const right = opts.right ?? A4_WIDTH - 150;
  const spacing = opts.spacing ?? 70;
  const xHeight = opts.xHeight ?? 24;
  const paths: string[] = [];
  for (let line = 0; line < opts.lines; line++) {
    const baseline = (opts.top ?? 260) + line * spacing + (rand() - 0.5) * 6;
    const end = line === opts.lines - 1 && opts.lastLineShare ? left + (right - left) * opts.lastLineShare : right;
    let x = left + (line === 0 ? 60 : 0) + rand() * 10;
    while (x < end - 60) {
      const letters = 2 + Math.floor(rand() * 7);
      const points: Array<[number, number]> = [];
      let up = false;
      for (let i = 0; i < letters * 2 && x < end; i++) {
        const tall = up && rand() < 0.18 ? xHeight * 1.1 : 0;
        const deep = !up && rand() < 0.08 ? xHeight * 0.9 : 0;
        const y = up ? baseline - xHeight - tall - rand() * 4 : baseline + deep + rand() * 3;
        points.push([x + (baseline - y) * 0.3, y]); // a right-hand slant
        x += 9 + rand() * 6;
        up = !up;
      }
      if (points.length >= 2) paths.push(`<path d="${smoothPath(points)}"/>`);
      x += 22 + rand() * 18;
    }
  }
  return paths.join("");
}

/** A child's drawing: a house, a sun with rays, a tree, grass and a caption-like scribble. */
export function drawingLayers(): InkLayer[] {
  return [
    {
      name: "outline",
      colour: [35, 30, 30],
      strokeWidth: 8,
      shapes:
        '<rect x="330" y="1150" width="560" height="460" fill="none"/><path d="M 300 1160 L 610 860 L 920 1160" fill="none"/>' +
        '<rect x="420" y="1260" width="120" height="120" fill="none"/><rect x="660" y="1380" width="130" height="230" fill="none"/>' +
        handwriting({ lines: 1, seed: 77, top: 1900, left: 420, right: 1250 }),
    },
    {
      name: "sun",
      colour: [245, 190, 40],
      strokeWidth: 10,
      shapes:
        '<circle cx="1250" cy="500" r="110" fill="currentColor"/>' +
        Array.from({ length: 10 }, (_, i) => {
          const a = (i * Math.PI) / 5;
          return `<path d="M ${1250 + 140 * Math.cos(a)} ${500 + 140 * Math.sin(a)} L ${1250 + 210 * Math.cos(a)} ${500 + 210 * Math.sin(a)}"/>`;
        }).join(""),
    },
    { name: "roof", colour: [200, 40, 40], strokeWidth: 14, shapes: '<path d="M 360 1130 L 610 890 L 860 1130"/>' },
    { name: "trunk", colour: [110, 70, 40], strokeWidth: 6, shapes: '<rect x="1180" y="1250" width="60" height="360" fill="currentColor"/>' },
    { name: "crown", colour: [40, 140, 60], strokeWidth: 6, shapes: '<circle cx="1210" cy="1150" r="120" fill="currentColor"/>' },
    { name: "grass", colour: [60, 160, 70], strokeWidth: 12, shapes: '<path d="M 120 1640 Q 400 1600 700 1645 T 1540 1630"/>' },
  ];
}

function layerSvg(layer: InkLayer, width: number, height: number, widen: number): Buffer {
  const w = layer.strokeWidth + widen;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<g color="#000" stroke="currentColor" stroke-width="${w}" stroke-linecap="round" stroke-linejoin="round" fill="none">${layer.shapes}</g></svg>`,
  );
}

/** Coverage (0..1) of one layer at every pixel; `widen` thickens strokes to mark the ink's surroundings. */
export async function layerCoverage(layer: InkLayer, width: number, height: number, widen = 0): Promise<Float32Array> {
  const { data } = await sharp(layerSvg(layer, width, height, widen)).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = (data[i] ?? 0) / 255;
  return out;
}

export interface RenderedPage {
  /** The "photo" as a phone or scanner would send it. */
  image: Buffer;
  /** Per ink: coverage of each pixel (1 = solid ink). */
  coverage: Map<string, Float32Array>;
  /** Pixels within a few pixels of any ink: neither paper nor ink in the measurements. */
  nearInk: Uint8Array;
}

/** Draws the page: paper colour, inks over it, lighting, noise; encoded as the spec says. */
export async function renderPage(spec: PageSpec, seed = 1): Promise<RenderedPage> {
  const { width, height } = spec;
  const rand = prng(seed);
  const pixels = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(spec.paper, i * 3);
  const coverage = new Map<string, Float32Array>();
  const nearInk = new Uint8Array(width * height);
  for (const layer of spec.inks) {
    const cover = await layerCoverage(layer, width, height);
    const around = await layerCoverage(layer, width, height, 14);
    coverage.set(layer.name, cover);
    const opacity = layer.opacity ?? 1;
    for (let i = 0; i < cover.length; i++) {
      if ((around[i] ?? 0) > 0) nearInk[i] = 1;
      const c = cover[i] ?? 0;
      if (c === 0) continue;
      // Graphite leaves grain: some of the paper shows through the stroke.
      const a = c * (opacity < 1 ? opacity * (0.8 + rand() * 0.4) : 1);
      for (let ch = 0; ch < 3; ch++) pixels[i * 3 + ch] = (pixels[i * 3 + ch] ?? 0) * (1 - a) + (layer.colour[ch] ?? 0) * a;
    }
  }
  const light = spec.light ?? { left: 1, right: 1 };
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const factor = light.left + ((light.right - light.left) * x) / (width - 1);
      const noise = spec.noise * (rand() + rand() + rand() - 1.5) * 2;
      for (let ch = 0; ch < 3; ch++) out[i * 3 + ch] = Math.max(0, Math.min(255, Math.round((pixels[i * 3 + ch] ?? 0) * factor + noise)));
    }
  }
  const img = sharp(out, { raw: { width, height, channels: 3 } });
  const image = spec.format === "jpeg" ? await img.jpeg({ quality: 90 }).toBuffer() : await img.png().toBuffer();
  return { image, coverage, nearInk };
}

const page = (name: string, over: Partial<PageSpec> & Pick<PageSpec, "inks">): PageSpec => ({
  name,
  width: A4_WIDTH,
  height: A4_HEIGHT,
  paper: CREAM,
  noise: 4,
  format: "jpeg",
  ...over,
});

const ink = (name: string, colour: Rgb, shapes: string, strokeWidth = 4, opacity?: number): InkLayer => ({
  name,
  colour,
  shapes,
  strokeWidth,
  ...(opacity === undefined ? {} : { opacity }),
});

/** The pages the tone pipeline must get right (issue 14). */
export function corpus(): PageSpec[] {
  return [
    page("one-short-line", { inks: [ink("ink", BLACK_INK, handwriting({ lines: 1, seed: 1, lastLineShare: 0.35 }))] }),
    page("three-lines", { inks: [ink("ink", BLACK_INK, handwriting({ lines: 3, seed: 3, lastLineShare: 0.5 }))] }),
    page("eight-lines", { inks: [ink("ink", BLACK_INK, handwriting({ lines: 8, seed: 8, lastLineShare: 0.6 }))] }),
    page("thirty-lines", { inks: [ink("ink", BLACK_INK, handwriting({ lines: 30, seed: 30 }))] }),
    page("pencil", { inks: [ink("pencil", PENCIL, handwriting({ lines: 8, seed: 11, lastLineShare: 0.4 }), 3.5, 0.9)] }),
    page("blue-ballpoint", { inks: [ink("ballpoint", BLUE_BALLPOINT, handwriting({ lines: 8, seed: 12, lastLineShare: 0.7 }))] }),
    page("shadow", { light: { left: 1, right: 0.6 }, inks: [ink("ink", BLACK_INK, handwriting({ lines: 12, seed: 13, lastLineShare: 0.5 }))] }),
    page("entirely-text", {
      inks: [ink("ink", BLUE_BALLPOINT, handwriting({ lines: 40, seed: 40, top: 80, left: 40, right: A4_WIDTH - 40, spacing: 56, xHeight: 22 }), 4)],
    }),
    page("drawing", { inks: drawingLayers() }),
    // A reply scan as a flatbed sends it: near-white paper, a little sensor noise, one line of text.
    page("light-scan", { paper: [246, 246, 243], noise: 2, inks: [ink("ink", BLACK_INK, handwriting({ lines: 1, seed: 9, lastLineShare: 0.6 }), 3)] }),
    page("clean-scan", { paper: WHITE, noise: 0, format: "png", inks: [ink("ink", BLACK_INK, handwriting({ lines: 1, seed: 5, lastLineShare: 0.5 }), 3)] }),
  ];
}

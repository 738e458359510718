// Tone correction for photographed and scanned pages: white paper, dark ink, whatever the amount
// of ink, the lighting or the paper's colour. Works on raw 8-bit grey pixels; no I/O.
//
// 1. The paper's brightness at every point (the "background") is estimated on a small copy of the
//    page with a grey-level closing (max filter, then min filter): it removes dark strokes thinner
//    than the window, and it reproduces smooth lighting (a shadow across the page, a vignette)
//    exactly, because a closing leaves monotone and hill-shaped brightness profiles unchanged.
// 2. Each pixel is divided by the background: paper becomes 1.0 everywhere, ink its fraction of it.
// 3. Levels: paper and its noise become white; ink becomes dark. The black point follows the
//    ink's own level, so pencil is darkened more than ballpoint, up to a gain cap that keeps paper
//    texture from turning into grime. A page without ink is only whitened, never darkened.
// A global percentile stretch (sharp's normalise) cannot do this: when ink covers under ~2% of
// the page, both percentiles are paper and the paper turns black.

/** Long side of the copy the background is estimated on: lighting changes slowly, strokes vanish. */
const BACKGROUND_LONG_SIDE = 300;
/** Closing window radius as a share of the short side: wider than any stroke or line of writing. */
const CLOSING_RADIUS_SHARE = 0.08;
/**
 * The background never falls below this share of the page's brightest paper: real shadows darken
 * a page by half at most, while a large dark area (a night sky in a drawing, a black block) is
 * content that must stay dark, not be "lit up" to white.
 */
const DEEPEST_SHADOW = 0.45;
/** Ratio to the background is kept up to 2.0 (scaled to 0..511) so the paper's noise can be measured above the median. */
const RATIO_SCALE = 255;
const RATIO_BINS = 512;
/** Paper noise down to this many standard deviations below the paper's level becomes white. */
const WHITE_SIGMAS = 3;
/** Pixels this much darker than the white point (beyond noise) count as ink. */
const INK_MARGIN = 12;
/** At most this contrast gain: enough for light pencil, not so much that paper grain shows. */
const MAX_GAIN = 4.5;
/**
 * At least this gain once ink is found: clipping the paper's noise to white costs light inks
 * (yellow crayon, faint pencil strokes) a little contrast, and the gain gives it back. Only the
 * darkest ~25% of levels merge into black, which black-and-white printing loses anyway.
 */
const MIN_GAIN = 1.4;
/** Fewer ink pixels than this share of the page is noise, not writing. */
const MIN_INK_SHARE = 0.0002;

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface BackgroundScale {
  /** Size of the small copy the background is estimated on. */
  width: number;
  height: number;
}

/** The small copy's size for a page of this size (never larger than the page). */
export function backgroundScale(width: number, height: number): BackgroundScale {
  const factor = Math.max(1, Math.max(width, height) / BACKGROUND_LONG_SIDE);
  return { width: Math.max(1, Math.round(width / factor)), height: Math.max(1, Math.round(height / factor)) };
}

/**
 * Running max or min over a window of 2r+1 (clipped at the ends) along rows (step 1) or columns
 * (step width). Van Herk / Gil-Werman: the line, padded with r neutral values each side, is cut
 * into blocks of 2r+1; each window covers the end of one block and the start of the next, so it
 * is one comparison of a suffix and a prefix, whatever r.
 */
function slide(src: Uint8Array, dst: Uint8Array, width: number, height: number, r: number, horizontal: boolean, max: boolean): void {
  const lines = horizontal ? height : width;
  const length = horizontal ? width : height;
  const step = horizontal ? 1 : width;
  const window = 2 * r + 1;
  const padded = length + 2 * r;
  const neutral = max ? 0 : 255;
  const pick = max ? greater : lesser;
  const line = new Int32Array(padded);
  const prefix = new Int32Array(padded);
  const suffix = new Int32Array(padded);
  for (let n = 0; n < lines; n++) {
    const base = horizontal ? n * width : n;
    line.fill(neutral);
    for (let i = 0; i < length; i++) line[r + i] = src[base + i * step]!;
    for (let i = 0; i < padded; i++) prefix[i] = i % window === 0 ? line[i]! : pick(prefix[i - 1]!, line[i]!);
    for (let i = padded - 1; i >= 0; i--) suffix[i] = i === padded - 1 || (i + 1) % window === 0 ? line[i]! : pick(suffix[i + 1]!, line[i]!);
    for (let i = 0; i < length; i++) dst[base + i * step] = pick(suffix[i]!, prefix[i + 2 * r]!);
  }
}

/**
 * The paper's brightness, on a small copy of the page (see backgroundScale): a square closing
 * whose window is wider than strokes and lines of writing, floored at the deepest plausible
 * shadow. Smoothed afterwards by the caller.
 */
export function closePaper(small: GreyImage): Uint8Array {
  const { width, height } = small;
  const r = Math.max(2, Math.round(Math.min(width, height) * CLOSING_RADIUS_SHARE));
  const a = new Uint8Array(width * height);
  const b = new Uint8Array(width * height);
  slide(small.data, a, width, height, r, true, true);
  slide(a, b, width, height, r, false, true);
  slide(b, a, width, height, r, true, false);
  slide(a, b, width, height, r, false, false);
  const histogram = new Uint32Array(256);
  for (const v of small.data) histogram[v] = (histogram[v] ?? 0) + 1;
  const floor = Math.round(percentile(histogram, small.data.length, 0.95) * DEEPEST_SHADOW);
  for (let i = 0; i < b.length; i++) if ((b[i] ?? 0) < floor) b[i] = floor;
  return b;
}

function percentile(histogram: Uint32Array, total: number, share: number): number {
  const wanted = Math.max(1, Math.ceil(total * share));
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v] ?? 0;
    if (seen >= wanted) return v;
  }
  return histogram.length - 1;
}

export interface ToneLevels {
  /** Ratio level (0..511, paper ≈ 255) that becomes white, and everything above it. */
  white: number;
  /** Ratio level that becomes black; 0 when the page has no ink. */
  black: number;
  /** Share of the page counted as ink. */
  inkShare: number;
}

/** White and black points from the histogram of pixel/background ratios. */
export function toneLevels(histogram: Uint32Array, total: number): ToneLevels {
  // Paper is the bright part of the page, even when ink or drawing covers half of it: its level
  // is read at the 75th percentile and its noise above that (p95 - p75 ≈ one standard deviation),
  // where ink, which only ever darkens, does not reach.
  const paper = percentile(histogram, total, 0.75);
  const sigma = Math.max(1, percentile(histogram, total, 0.95) - paper);
  const white = Math.max(1, Math.min(RATIO_SCALE, Math.round(paper - WHITE_SIGMAS * sigma)));
  const inkBelow = white - INK_MARGIN - sigma;
  let ink = 0;
  for (let v = 0; v < Math.max(0, inkBelow); v++) ink += histogram[v] ?? 0;
  if (ink < total * MIN_INK_SHARE) return { white, black: 0, inkShare: ink / total };
  // The ink's dark core: the tenth percentile of ink pixels, so a few black specks do not decide.
  const wanted = Math.ceil(ink * 0.1);
  let seen = 0;
  let core = 0;
  for (; core < inkBelow; core++) {
    seen += histogram[core] ?? 0;
    if (seen >= wanted) break;
  }
  const black = Math.max(0, Math.ceil(white - 255 / MIN_GAIN), Math.min(core, Math.floor(white - 255 / MAX_GAIN)));
  return { white, black, inkShare: ink / total };
}

// Branch-free minimum and maximum of two 0..255 levels: on a noisy photo the comparisons of a
// median are coin flips, and mispredicted branches made it 2.5x slower than this.
function lesser(a: number, b: number): number {
  const d = a - b;
  return b + (d & (d >> 31));
}

function greater(a: number, b: number): number {
  const d = a - b;
  return a - (d & (d >> 31));
}

function middle(a: number, b: number, c: number): number {
  return greater(lesser(a, b), lesser(greater(a, b), c));
}

/**
 * 3x3 median of a grey image, borders replicated (what libvips' rank filter does): sensor noise
 * would otherwise be stretched along with faint ink into grey speckle. Each column of three is
 * sorted once and shared by the three windows it belongs to; the median of nine is then the
 * median of (largest column minimum, median of column medians, smallest column maximum).
 */
export function medianFilter3(page: GreyImage): Uint8Array {
  const { data, width, height } = page;
  const out = new Uint8Array(width * height);
  const lo = new Int32Array(width);
  const mid = new Int32Array(width);
  const hi = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : 0) * width;
    const row = y * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    for (let x = 0; x < width; x++) {
      const a = data[up + x]!;
      const b = data[row + x]!;
      const c = data[down + x]!;
      const low = lesser(a, b);
      const high = greater(a, b);
      lo[x] = lesser(low, c);
      hi[x] = greater(high, c);
      mid[x] = greater(low, lesser(high, c));
    }
    for (let x = 0; x < width; x++) {
      const l = x > 0 ? x - 1 : 0;
      const r = x < width - 1 ? x + 1 : x;
      const maxLo = greater(greater(lo[l]!, lo[x]!), lo[r]!);
      const minHi = lesser(lesser(hi[l]!, hi[x]!), hi[r]!);
      out[row + x] = middle(maxLo, middle(mid[l]!, mid[x]!, mid[r]!), minHi);
    }
  }
  return out;
}

/** Fixed-point weights: 8 bits per axis, so the 2-D interpolation stays within 16 integer bits. */
const WEIGHT_ONE = 256;

/** For each output position along one axis: the two source positions and the weight of the second (centres aligned). */
function linearTaps(outSize: number, inSize: number): { first: Int32Array; second: Int32Array; weight: Int32Array } {
  const first = new Int32Array(outSize);
  const second = new Int32Array(outSize);
  const weight = new Int32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const at = Math.min(inSize - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const lower = Math.floor(at);
    first[i] = lower;
    second[i] = Math.min(inSize - 1, lower + 1);
    weight[i] = Math.round((at - lower) * WEIGHT_ONE);
  }
  return { first, second, weight };
}

/**
 * Divides the page by its background and applies the levels: returns the cleaned page and the
 * levels used. `background` is the smooth small copy (see backgroundScale, closePaper), scaled up
 * here (bilinear, in integers) as each row is needed rather than as a full-size image.
 * `page` is left untouched.
 */
export function flattenPage(page: GreyImage, background: GreyImage): { data: Uint8Array; levels: ToneLevels } {
  const { width, height } = page;
  const n = width * height;
  const ratio = new Uint16Array(n);
  const histogram = new Uint32Array(RATIO_BINS);
  // ratioOf[background * 256 + pixel]: one table look-up per pixel instead of a division.
  const ratioOf = new Uint16Array(256 * 256);
  for (let bg = 0; bg < 256; bg++) {
    for (let v = 0; v < 256; v++) ratioOf[bg * 256 + v] = Math.min(RATIO_BINS - 1, Math.round((v * RATIO_SCALE) / Math.max(1, bg)));
  }
  // Every row of the small background, first stretched to the page's width (values x WEIGHT_ONE).
  const columns = linearTaps(width, background.width);
  const wide = new Uint16Array(background.height * width);
  for (let y = 0; y < background.height; y++) {
    const from = y * background.width;
    const to = y * width;
    for (let x = 0; x < width; x++) {
      const left = background.data[from + columns.first[x]!]!;
      wide[to + x] = left * WEIGHT_ONE + (background.data[from + columns.second[x]!]! - left) * columns.weight[x]!;
    }
  }
  // Then each page row mixes two of them, and each pixel is divided by its background level.
  const rows = linearTaps(height, background.height);
  const pixels = page.data;
  const half = (WEIGHT_ONE * WEIGHT_ONE) / 2;
  for (let y = 0; y < height; y++) {
    const top = rows.first[y]! * width;
    const bottom = rows.second[y]! * width;
    const fy = rows.weight[y]!;
    const fTop = WEIGHT_ONE - fy;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const bg = (wide[top + x]! * fTop + wide[bottom + x]! * fy + half) >> 16;
      const q = ratioOf[(bg << 8) | pixels[row + x]!]!;
      ratio[row + x] = q;
      histogram[q]!++;
    }
  }
  const levels = toneLevels(histogram, n);
  const lut = new Uint8Array(RATIO_BINS);
  const span = Math.max(1, levels.white - levels.black);
  for (let q = 0; q < RATIO_BINS; q++) lut[q] = Math.max(0, Math.min(255, Math.round(((q - levels.black) * 255) / span)));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = lut[ratio[i] ?? 0] ?? 255;
  return { data: out, levels };
}

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

/** Running max or min over a window of 2r+1 along rows (step 1) or columns (step width). */
function slide(src: Uint8Array, dst: Uint8Array, width: number, height: number, r: number, horizontal: boolean, max: boolean): void {
  const lines = horizontal ? height : width;
  const length = horizontal ? width : height;
  const step = horizontal ? 1 : width;
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * width : line;
    for (let i = 0; i < length; i++) {
      const from = Math.max(0, i - r);
      const to = Math.min(length - 1, i + r);
      let best = src[base + from * step] ?? 0;
      for (let j = from + 1; j <= to; j++) {
        const v = src[base + j * step] ?? 0;
        if (max ? v > best : v < best) best = v;
      }
      dst[base + i * step] = best;
    }
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

/**
 * Divides the page by its background (same size, already smooth) and applies the levels:
 * returns the cleaned page and the levels used. `page` is left untouched.
 */
export function flattenPage(page: GreyImage, background: Uint8Array): { data: Uint8Array; levels: ToneLevels } {
  const n = page.width * page.height;
  const ratio = new Uint16Array(n);
  const histogram = new Uint32Array(RATIO_BINS);
  for (let i = 0; i < n; i++) {
    const bg = Math.max(1, background[i] ?? 255);
    const q = Math.min(RATIO_BINS - 1, Math.round(((page.data[i] ?? 0) * RATIO_SCALE) / bg));
    ratio[i] = q;
    histogram[q] = (histogram[q] ?? 0) + 1;
  }
  const levels = toneLevels(histogram, n);
  const lut = new Uint8Array(RATIO_BINS);
  const span = Math.max(1, levels.white - levels.black);
  for (let q = 0; q < RATIO_BINS; q++) lut[q] = Math.max(0, Math.min(255, Math.round(((q - levels.black) * 255) / span)));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = lut[ratio[i] ?? 0] ?? 255;
  return { data: out, levels };
}

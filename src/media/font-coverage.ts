// Which code points a TrueType font can draw, read from its cmap table. Characters the font
// lacks (emoji, CJK, ...) would print as empty boxes, so the PDF renderer drops them.

function findTable(font: Buffer, tag: string): { offset: number; length: number } | undefined {
  const numTables = font.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    if (font.toString("latin1", record, record + 4) === tag) {
      return { offset: font.readUInt32BE(record + 8), length: font.readUInt32BE(record + 12) };
    }
  }
  return undefined;
}

function format4(font: Buffer, at: number, out: Set<number>): void {
  const segCount = font.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  for (let s = 0; s < segCount; s++) {
    const end = font.readUInt16BE(ends + s * 2);
    const start = font.readUInt16BE(starts + s * 2);
    const delta = font.readUInt16BE(deltas + s * 2);
    const rangeOffsetAt = rangeOffsets + s * 2;
    const rangeOffset = font.readUInt16BE(rangeOffsetAt);
    for (let c = start; c <= end && c !== 0xffff; c++) {
      let glyph: number;
      if (rangeOffset === 0) {
        glyph = (c + delta) & 0xffff;
      } else {
        const glyphAt = rangeOffsetAt + rangeOffset + (c - start) * 2;
        const raw = glyphAt + 2 <= font.length ? font.readUInt16BE(glyphAt) : 0;
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) out.add(c);
    }
  }
}

function format12(font: Buffer, at: number, out: Set<number>): void {
  const groups = font.readUInt32BE(at + 12);
  for (let g = 0; g < groups; g++) {
    const group = at + 16 + g * 12;
    const start = font.readUInt32BE(group);
    const end = font.readUInt32BE(group + 4);
    const startGlyph = font.readUInt32BE(group + 8);
    for (let c = start; c <= end; c++) if (startGlyph + (c - start) !== 0) out.add(c);
  }
}

/** The Unicode code points mapped to a real glyph in a TrueType font. */
export function fontCoverage(font: Buffer): Set<number> {
  const cmap = findTable(font, "cmap");
  if (!cmap) throw new Error("font has no cmap table");
  const count = font.readUInt16BE(cmap.offset + 2);
  let best: { at: number; format: number } | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap.offset + 4 + i * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const at = cmap.offset + font.readUInt32BE(record + 4);
    const format = font.readUInt16BE(at);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || (format !== 4 && format !== 12)) continue;
    // Format 12 covers the whole of Unicode; format 4 only the Basic Multilingual Plane.
    if (!best || (format === 12 && best.format === 4)) best = { at, format };
  }
  if (!best) throw new Error("font has no Unicode cmap subtable");
  const out = new Set<number>();
  if (best.format === 12) format12(font, best.at, out);
  else format4(font, best.at, out);
  return out;
}

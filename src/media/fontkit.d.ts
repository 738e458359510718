// fontkit, pdfkit's font engine, ships no types: only what src/media/pdf.ts uses. pdfkit takes an
// already-parsed fontkit Font in registerFont (pdfkit CHANGELOG 0.17), which @types/pdfkit misses.
declare module "fontkit" {
  export interface Glyph {
    readonly id: number;
    readonly codePoints: number[];
  }
  export interface Font {
    readonly postscriptName: string;
    /** The glyph for a code point; fontkit keeps each glyph it made, with the code points it was made for. */
    glyphForCodePoint(codePoint: number): Glyph;
  }
  /** Parses a TrueType/OpenType font; tables (cmap, GSUB, GPOS) are read on first use and kept. */
  export function create(data: Uint8Array, postscriptName?: string): Font;
}

declare namespace PDFKit.Mixins {
  interface PDFFont {
    /** An already-parsed fontkit Font (declared above; a script file cannot import its type). */
    registerFont(name: string, src: { readonly postscriptName: string }): this;
  }
}

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { fontCoverage } from "../../src/media/font-coverage.js";
import { cleanPrintableLine, cleanPrintableText } from "../../src/media/text.js";

describe("cleanPrintableText", () => {
  it("keeps paragraphs and indentation, drops control and invisible characters", () => {
    const input = "\n\nПервый\u0000 абзац\u0007.  \r\n  вторая строка\r\n\r\n\r\n\r\nВторой\u202E абзац\u200B\u2028третий\tконец\n\n";
    expect(cleanPrintableText(input)).toBe("Первый абзац.\n  вторая строка\n\nВторой абзац\nтретий    конец");
  });

  it("composes decomposed letters (й, ё) so the font draws them as one glyph", () => {
    expect(cleanPrintableText("и\u0306е\u0308")).toBe("йё");
  });

  it("drops characters outside the drawable set", () => {
    const drawable = new Set([..."Привет мир"].map((c) => c.codePointAt(0) ?? 0));
    expect(cleanPrintableText("Привет 🦄 мир 中", drawable)).toBe("Привет  мир");
    expect(cleanPrintableLine("Привет 🦄\n мир 中", drawable)).toBe("Привет мир");
  });
});

describe("fontCoverage", () => {
  it("reads DejaVu Sans' cmap: Latin, Cyrillic and symbols yes, CJK no", () => {
    const dir = dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json"));
    const coverage = fontCoverage(readFileSync(join(dir, "ttf", "DejaVuSans.ttf")));
    for (const ch of "AzЖжЁёЩщ№€«»—…") expect(coverage.has(ch.codePointAt(0) ?? 0), ch).toBe(true);
    for (const ch of ["中", "🦄", "\u0000"]) expect(coverage.has(ch.codePointAt(0) ?? 0), ch).toBe(false);
    expect(coverage.size).toBeGreaterThan(3000);
  });
});

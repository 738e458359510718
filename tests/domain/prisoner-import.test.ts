import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectDelimiter, parsePrisonerFile, prisonerEventOf, splitCsv } from "../../src/domain/prisoner-import.js";

const HEADER =
  "externalId,lastName,firstName,patronymic,lastNameLatin,firstNameLatin,patronymicLatin,birthDate,region,regionEn,facilityName,postalAddress,canReceiveLetters,cannotReceiveReason,releasedAt,caseSummaryRu,caseSummaryEn,articles,sentenceRu,sentenceEn,inCustodySince,interests,views,professionRu,professionEn";
const ROW1 =
  'ext-1,Иванова,Анна,Сергеевна,Ivanova,Anna,Sergeevna,1990-04-23,Пермский край,Perm Krai,ФКУ ИК-28,"614000, г. Пермь, ул. Примерная, д. 1",true,,,"Пост о войне, «фейк»","A post about the war, a ""fake""",ч. 2 ст. 207.3 УК РФ,6 лет,6 years,2023-02-01,books;music,anti-war,учитель,teacher';
const ROW2 = "ext-2,Петров,Олег,,Petrov,Oleg,,1975-11-02,Москва,Moscow,СИЗО-1,,false,no_address,,Текст,Text,,,,,,faith,,";

const csv = (...lines: string[]) => Buffer.from(lines.join("\r\n") + "\r\n", "utf8");

describe("CSV", () => {
  it("reads the documented example (quotes, commas, doubled quotes, lists, empty cells)", () => {
    const result = parsePrisonerFile(csv(HEADER, ROW1, ROW2), "list.csv");
    expect(result.errors).toEqual([]);
    expect(result.format).toBe("csv");
    const [a, b] = result.rows;
    expect(a?.line).toBe(2);
    expect(a?.record).toMatchObject({
      externalId: "ext-1",
      postalAddress: "614000, г. Пермь, ул. Примерная, д. 1",
      caseSummaryEn: 'A post about the war, a "fake"',
      interests: ["books", "music"],
      articles: ["ч. 2 ст. 207.3 УК РФ"],
      canReceiveLetters: true,
      cannotReceiveReason: null,
    });
    expect(a?.record.birthDate.toISOString()).toBe("1990-04-23T00:00:00.000Z");
    expect(b?.record).toMatchObject({ patronymic: null, canReceiveLetters: false, cannotReceiveReason: "no_address", views: ["faith"] });
  });

  it("accepts a UTF-8 byte-order mark and a quoted field across lines", () => {
    const multiline = ROW2.replace("Текст", '"Первая строка\nвторая строка"');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv(HEADER, multiline, ROW1)]);
    const result = parsePrisonerFile(bytes, "list.csv");
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(result.rows[0]?.record.caseSummaryRu).toBe("Первая строка\nвторая строка");
  });

  it("refuses other encodings with a clear message", () => {
    const cp1251 = Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc8, 0xe2, 0xe0, 0xed, 0xee, 0xe2, 0xe0])]);
    const result = parsePrisonerFile(cp1251, "list.csv");
    expect(result.rows).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.line).toBe(0);
    expect(result.errors[0]?.message).toBe(
      "the file is not valid UTF-8 (first bad byte on line 2); save it as UTF-8 (Windows-1251 and other encodings are not accepted)",
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, "utf16le")]);
    expect(parsePrisonerFile(utf16, "list.csv").errors[0]?.message).toMatch(/UTF-16/);
  });

  it("reports wrong and missing columns as a file problem", () => {
    const result = parsePrisonerFile(csv(HEADER.replace("birthDate", "birthday").replace(",region,", ",regoin,"), ROW1), "l.csv");
    expect(result.rows).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      "line 1: unknown columns: birthday, regoin",
      "line 1: missing columns: birthDate, region",
    ]);
  });

  it("lists every bad row with its line and reason, and keeps none of them", () => {
    const rows = [
      HEADER,
      ROW1,
      ROW1.replace("Иванова", "Иванова-Смирнова"), // line 3: duplicate externalId
      ROW2.replace("ext-2", "ext-3").replace("1975-11-02", "1975-02-30"), // impossible date
      ROW2.replace("ext-2", "ext-4").replace("no_address", "on_holiday"), // bad enum
      ROW2.replace("ext-2", "ext-5").replace(",false,", ",maybe,"), // bad boolean
      ROW2.replace("ext-2", "ext-6").replace(",Москва,", ",Москва,extra,"), // wrong number of fields
      ROW2.replace("ext-2", "ext-7").replace(",Петров,", ",,"), // missing required value
      ROW2.replace("ext-2", "ext-8").replace("Текст", 'Те"кст'), // stray quote
      ROW2.replace("ext-2", "ext-9").replace("1975-11-02", "2999-01-01"), // in the future
      ROW1.replace("ext-1", "ext-10").replace(",true,,", ",true,no_address,"), // contradiction
      ROW2.replace("ext-2", "ext-11").replace(",,faith,", ",,Faith!,"), // bad key
    ];
    const result = parsePrisonerFile(csv(...rows), "l.csv");
    expect(result.errors).toEqual([
      { line: 3, message: "externalId ext-1 is already on line 2" },
      { line: 4, message: "birthDate is not a real calendar date" },
      { line: 5, message: "cannotReceiveReason must be one of no_address, identity_protected, asked_privacy, released, other" },
      { line: 6, message: 'canReceiveLetters must be true or false, not "maybe"' },
      { line: 7, message: "has 26 fields, the header has 25" },
      { line: 8, message: "lastName is empty" },
      { line: 9, message: "a quote inside an unquoted field (quote the whole field)" },
      { line: 10, message: "birthDate is before 1900 or in the future" },
      { line: 11, message: "cannotReceiveReason must be empty when canReceiveLetters is true" },
      { line: 12, message: "views.0 must be a lower-case key like anti-war" },
    ]);
    expect(result.rows.map((r) => r.record.externalId)).toEqual(["ext-1"]);
  });

  it("splits RFC 4180 records and reports an unclosed quote", () => {
    expect(splitCsv('a,"b,c"\n"d""e",\n').records.map((r) => r.fields)).toEqual([["a", "b,c"], ['d"e', ""]]);
    expect(splitCsv('a,"b\n').errors).toEqual([{ line: 1, message: "a quoted field is not closed" }]);
  });
});

describe("CSV saved by a spreadsheet in Russian", () => {
  // What Excel in Russian writes: a BOM, ";" between fields, CRLF, ДД.ММ.ГГГГ dates, ИСТИНА/ЛОЖЬ,
  // no Latin names and no English texts; cells with ";" (lists) or line breaks are quoted.
  const header = "externalId;lastName;firstName;patronymic;birthDate;region;facilityName;postalAddress;canReceiveLetters;cannotReceiveReason;caseSummaryRu;articles;interests";
  const rows = [
    'ru-1;Щукина;Юлия;Андреевна;23.04.1990;Пермский край;ФКУ ИК-28;"614000, г. Пермь; ул. Примерная, д. 1";ИСТИНА;;"Пост о войне; «фейк»";ч. 2 ст. 207.3 УК РФ;"books;music"',
    'ru-2;Ёлкин;Фёдор;;02.11.1975;Москва;СИЗО-1;;ЛОЖЬ;identity_protected;"Две строки,\nс запятой";;',
  ];

  it("detects the separator from the header line, outside quotes", () => {
    expect(detectDelimiter(`${header}\r\n${rows[0]}`)).toBe(";");
    expect(detectDelimiter("a\tb\tc\n1,2;3\t4\t5")).toBe("\t");
    expect(detectDelimiter('"a;b;c",d,e\n')).toBe(",");
    expect(detectDelimiter("externalId\n")).toBe(",");
  });

  it("imports a Russian-only list: Latin names by transliteration, no English summary", () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([header, ...rows].join("\r\n") + "\r\n", "utf8")]);
    const result = parsePrisonerFile(bytes, "список.csv");
    expect(result.errors).toEqual([]);
    expect(result.rows.map((r) => r.line)).toEqual([2, 3]);
    const [a, b] = result.rows.map((r) => r.record);
    expect(a).toMatchObject({
      lastNameLatin: "Shchukina", firstNameLatin: "Yuliya", patronymicLatin: "Andreevna",
      postalAddress: "614000, г. Пермь; ул. Примерная, д. 1",
      caseSummaryRu: "Пост о войне; «фейк»", caseSummaryEn: null,
      interests: ["books", "music"], canReceiveLetters: true,
    });
    expect(a?.birthDate.toISOString()).toBe("1990-04-23T00:00:00.000Z");
    expect(b).toMatchObject({ lastNameLatin: "Elkin", firstNameLatin: "Fedor", patronymicLatin: null, canReceiveLetters: false, caseSummaryRu: "Две строки,\nс запятой" });
  });

  it("reads tab-separated files, and splits on the file's own separator only", () => {
    const tsv = [header.replaceAll(";", "\t"), "t-1\tИванов\tИван\t\t1980-01-01\tМосква\tСИЗО-1\tМосква, ул. Примерная, 1\ttrue\t\tДело; другое\t\t"].join("\n");
    const result = parsePrisonerFile(Buffer.from(tsv), "list.tsv");
    expect(result.errors).toEqual([]);
    expect(result.rows[0]?.record).toMatchObject({ lastNameLatin: "Ivanov", postalAddress: "Москва, ул. Примерная, 1", caseSummaryRu: "Дело; другое" });
    expect(splitCsv('a;"b;c";d\n', ";").records.map((r) => r.fields)).toEqual([["a", "b;c", "d"]]);
  });
});

describe("JSON", () => {
  const record = (over: Record<string, unknown> = {}) => ({
    externalId: "j-1",
    lastName: "Иванов",
    firstName: "Иван",
    lastNameLatin: "Ivanov",
    firstNameLatin: "Ivan",
    birthDate: "1980-01-01",
    region: "Москва",
    facilityName: "СИЗО-1",
    postalAddress: "Москва, ул. Примерная, 1",
    canReceiveLetters: true,
    caseSummaryRu: "Дело",
    caseSummaryEn: "Case",
    ...over,
  });

  it("reads the demo file, and reports bad records with the line where each starts", () => {
    const demo = parsePrisonerFile(readFileSync("prisma/seed/demo-prisoners.json"), "demo-prisoners.json");
    expect(demo.errors).toEqual([]);
    expect(demo.rows.length).toBeGreaterThanOrEqual(60);

    const text = JSON.stringify(
      { prisoners: [record(), record({ externalId: "j-2", birthDate: "1980-13-01" }), record({ nickname: "x", externalId: "j-3" }), record()] },
      null,
      2,
    );
    const lines = text.split("\n");
    const startOf = (n: number) => lines.reduce<number[]>((acc, l, i) => (l === "    {" ? [...acc, i + 1] : acc), [])[n];
    const result = parsePrisonerFile(Buffer.from(text), "list.json");
    expect(result.errors).toEqual([
      { line: startOf(1), message: "birthDate is not a real calendar date" },
      { line: startOf(2), message: "unknown field nickname" },
      { line: startOf(3), message: `externalId j-1 is already on line ${startOf(0)}` },
    ]);
  });

  it("reports broken JSON and a wrong shape", () => {
    expect(parsePrisonerFile(Buffer.from('[{"a":'), "x.json").errors[0]?.message).toMatch(/^not valid JSON/);
    expect(parsePrisonerFile(Buffer.from('{"people":[]}'), "x.json").errors[0]?.message).toMatch(/expected an array/);
    expect(parsePrisonerFile(Buffer.from("[]"), "x.json").errors).toEqual([{ line: 0, message: "the file has no prisoners" }]);
  });
});

describe("what an update means", () => {
  const base = { canReceiveLetters: true, cannotReceiveReason: null, facilityName: "ИК-1", postalAddress: "адрес 1" } as const;
  it("tells a release, a person becoming unreachable, a transfer, and nothing", () => {
    expect(prisonerEventOf(base, { ...base, canReceiveLetters: false, cannotReceiveReason: "released" })).toBe("released");
    expect(prisonerEventOf(base, { ...base, canReceiveLetters: false, cannotReceiveReason: "asked_privacy" })).toBe("unreachable");
    expect(prisonerEventOf(base, { ...base, facilityName: "ИК-2" })).toBe("transferred");
    expect(prisonerEventOf(base, { ...base, postalAddress: "адрес 2" })).toBe("transferred");
    expect(prisonerEventOf({ ...base, canReceiveLetters: false, cannotReceiveReason: "no_address", postalAddress: null }, base)).toBeNull();
    expect(prisonerEventOf(base, base)).toBeNull();
  });
});

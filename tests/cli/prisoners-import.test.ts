import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { importNoticePayload, prisonersCommand } from "../../src/cli/commands/prisoners.js";
import { submitLetter } from "../../src/db/repositories/letters.js";
import { searchPrisonersByName } from "../../src/db/repositories/search.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import type { PrisonerRecord } from "../../src/domain/prisoner-record.js";
import { NOTIFY_QUEUE } from "../../src/queues/index.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { jsonFile, prisonerRecord } from "../helpers/prisoner-records.js";

const run = promisify(execFile);
let db: IsolatedDatabase;
let t: TestApp;
let dir: string;

beforeAll(async () => {
  db = await createIsolatedDatabase();
  // The bot and the notify worker run on the isolated database; the CLI enqueues into its Redis prefix.
  t = await startTestApp({ env: { DATABASE_URL: db.url } });
  dir = mkdtempSync(join(tmpdir(), "lifeline-import-"));
  process.env.REDIS_URL = t.config.redisUrl;
  process.env.REDIS_PREFIX = t.config.redisPrefix;
});
afterAll(async () => {
  await t.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

let fileCounter = 0;
function file(content: Buffer | string, ext = "json"): string {
  const path = join(dir, `list-${++fileCounter}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** Runs the command in-process, capturing what it prints. */
async function importCli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    const code = await prisonersCommand(["import", ...args], db.url);
    return { code, out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const list: PrisonerRecord[] = [
  prisonerRecord("imp-1", { lastName: "Брусникина", firstName: "Алла", lastNameLatin: "Brusnikina", firstNameLatin: "Alla" }),
  prisonerRecord("imp-2", { lastName: "Самоваров", lastNameLatin: "Samovarov" }),
  prisonerRecord("imp-3", { lastName: "Пряников", lastNameLatin: "Pryanikov" }),
  prisonerRecord("imp-4", {
    lastName: "Тихонова",
    lastNameLatin: "Tikhonova",
    canReceiveLetters: false,
    cannotReceiveReason: "no_address",
    postalAddress: null,
  }),
];

async function snapshot() {
  const rows = await t.app.prisma.prisoner.findMany({ orderBy: { externalId: "asc" } });
  return rows.map((r) => ({ externalId: r.externalId, updatedAt: r.updatedAt.getTime(), facility: r.facilityName }));
}

describe("prisoners import", () => {
  it("imports a valid file, and a second import of the same file writes nothing", async () => {
    const path = file(jsonFile(list));
    const first = await importCli(path);
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(
      "4 created, 0 updated, 0 unchanged; 0 released, 0 transferred, 0 can no longer receive letters; 0 assignments ended, 0 notices to writers queued.",
    );
    const stored = await t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "imp-1" } });
    expect(stored).toMatchObject({ lastName: "Брусникина", canReceiveLetters: true, interests: ["books"], views: ["anti-war"] });
    expect(stored.searchName).toContain("brusnikina");
    const before = await snapshot();

    const again = await importCli(path);
    expect(again.code).toBe(0);
    expect(again.out).toEqual([
      "0 created, 0 updated, 4 unchanged; 0 released, 0 transferred, 0 can no longer receive letters; 0 assignments ended, 0 notices to writers queued.",
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a file with any invalid row: nothing imported, every problem listed with its line", async () => {
    const before = await snapshot();
    const csv = [
      "externalId,lastName,firstName,lastNameLatin,firstNameLatin,birthDate,region,facilityName,postalAddress,canReceiveLetters,cannotReceiveReason,caseSummaryRu,caseSummaryEn",
      "imp-9,Новикова,Ольга,Novikova,Olga,1990-01-01,Москва,СИЗО-1,\"Москва, ул. Примерная, 2\",true,,Дело,Case",
      "imp-10,Новиков,Олег,Novikov,Oleg,1990-02-31,Москва,СИЗО-1,адрес,true,,Дело,Case",
      "imp-9,Новикова,Ольга,Novikova,Olga,1990-01-01,Москва,СИЗО-1,адрес,true,,Дело,Case",
      "imp-11,Новиков,Иван,Novikov,Ivan,1991-01-01,Москва,СИЗО-1,,false,on_leave,Дело,Case",
      "imp-1,Брусникина,Алла,Brusnikina,Alla,1984-06-12,Москва,ИК-2,адрес,true,,Дело",
    ].join("\n");
    // Through the real CLI entry point, as an administrator runs it.
    const result = await run(process.execPath, ["--import", "tsx", "src/cli/index.ts", "prisoners", "import", file(csv, "csv")], {
      env: { ...process.env, DATABASE_URL: db.url },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n").map((l) => l.replace(/\/\S*list-\d+\.csv/, "FILE"));
    expect(lines).toEqual([
      "FILE:3: birthDate is not a real calendar date",
      "FILE:4: externalId imp-9 is already on line 2",
      "FILE:5: cannotReceiveReason must be one of no_address, identity_protected, asked_privacy, released, other",
      "FILE:6: has 12 fields, the header has 13",
      "Nothing imported: 4 problems in FILE.",
    ]);
    expect(await snapshot()).toEqual(before);
    expect(await t.app.prisma.prisoner.count({ where: { externalId: "imp-9" } })).toBe(0);
  });

  it("handles a release, a transfer and a person becoming unreachable: assignments end, writers are told in their language", async () => {
    const ids = Object.fromEntries(
      (await t.app.prisma.prisoner.findMany({ where: { externalId: { in: ["imp-1", "imp-2", "imp-3"] } } })).map((p) => [p.externalId, p.id]),
    );
    // Three writers who have started the bot (Telegram lets bots message only them).
    const people = await Promise.all(
      (["ru", "en", "ru"] as const).map(async (language) => {
        const user = t.user({ languageCode: language });
        const welcome = user.waitForMessage(undefined, { timeoutMs: 10_000 });
        await user.sendText("/start");
        await welcome;
        const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language });
        return { user, writer };
      }),
    );
    const [anna, bob, vera] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    const expiresAt = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    // Anna is assigned imp-1 (to be released); Bob is assigned imp-2 (to be transferred);
    // Vera has a letter in flight to imp-3 (who asks for privacy).
    const annaAssignment = await t.app.prisma.assignment.create({ data: { writerId: anna.writer.id, prisonerId: ids["imp-1"]!, expiresAt } });
    const bobAssignment = await t.app.prisma.assignment.create({ data: { writerId: bob.writer.id, prisonerId: ids["imp-2"]!, expiresAt } });
    const { letter } = await submitLetter(t.app.prisma, {
      writerId: vera.writer.id,
      prisonerId: ids["imp-3"]!,
      kind: "typed",
      text: "Здравствуйте!",
      language: "ru",
      signatureName: "Вера",
      idempotencyKey: `import-test-${vera.writer.id}`,
    });

    const changed = [
      { ...list[0]!, canReceiveLetters: false, cannotReceiveReason: "released" as const, releasedAt: "2026-01-15", postalAddress: null },
      { ...list[1]!, facilityName: "ФКУ ИК-6 УФСИН России по Пермскому краю", postalAddress: "618000, г. Соликамск, ул. Примерная, д. 6" },
      { ...list[2]!, canReceiveLetters: false, cannotReceiveReason: "asked_privacy" as const },
      list[3]!,
    ];
    const path = file(jsonFile(changed));
    const before = await snapshot();

    const dry = await importCli(path, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.out).toEqual([
      "  would update imp-1 (postalAddress, canReceiveLetters, cannotReceiveReason, releasedAt) — released",
      "  would update imp-2 (facilityName, postalAddress) — transferred",
      "  would update imp-3 (canReceiveLetters, cannotReceiveReason) — unreachable",
      `  would hold: letter ${letter.code}`,
      "Dry run, nothing written: 0 created, 3 updated, 1 unchanged; 1 released, 1 transferred, 1 can no longer receive letters; 1 assignments ended, 3 notices to writers would be sent.",
    ]);
    expect(await snapshot()).toEqual(before);
    expect((await t.app.prisma.assignment.findUniqueOrThrow({ where: { id: annaAssignment.id } })).status).toBe("active");

    const annaNotice = anna.user.waitForMessage("вышел на свободу", { timeoutMs: 10_000 });
    const bobNotice = bob.user.waitForMessage("moved to another place", { timeoutMs: 10_000 });
    const veraNotice = vera.user.waitForMessage(letter.code, { timeoutMs: 10_000 });
    const real = await importCli(path);
    expect(real.code).toBe(0);
    expect(real.out.at(-1)).toBe(
      "0 created, 3 updated, 1 unchanged; 1 released, 1 transferred, 1 can no longer receive letters; 1 assignments ended, 3 notices to writers queued.",
    );

    // The released person is no longer assigned; the transferred one still is.
    expect(await t.app.prisma.assignment.findUniqueOrThrow({ where: { id: annaAssignment.id } })).toMatchObject({ status: "released" });
    expect(await t.app.prisma.assignment.findUniqueOrThrow({ where: { id: bobAssignment.id } })).toMatchObject({ status: "active" });

    const a = await annaNotice;
    expect(a.text).toContain("Хорошая новость: человек, которому вы собирались написать, вышел на свободу.");
    expect(a.inlineKeyboard.flat().map((b) => b.text)).toEqual(["👤 Открыть карточку", "🔎 Найти другого человека"]);
    const b = await bobNotice;
    expect(b.text).toBe(
      "The person you were about to write to has been moved to another place. Their card now shows where they are held; your letter will go to the new address.",
    );
    const v = await veraNotice;
    expect(v.text).toContain(`О вашем письме ${letter.code}: получатель попросил не присылать ему писем от незнакомых людей`);
    // Vera's letter is held, so nobody prints or posts it (details: prisoners-import-letters.test.ts).
    expect(await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).toMatchObject({ status: "held", statusReason: "recipient-unreachable" });

    // The job payloads name nobody: ids, the letter code and the reason key only.
    const jobs = await t.app.queues.byName[NOTIFY_QUEUE].getJobs(["completed", "active", "waiting", "delayed"]);
    const ours = jobs.filter((j) => j.id?.startsWith("notify-prisoner-"));
    expect(ours).toHaveLength(3);
    for (const job of ours) expect(JSON.stringify(job.data)).not.toMatch(/[а-яё]|Brusnikina|Samovarov|Pryanikov/i);

    // Showing the card from the notice works, and says why she cannot receive letters any more.
    const card = anna.user.waitForMessage("вышел на свободу, и письма через Lifeline ему больше не нужны", { timeoutMs: 10_000 });
    await anna.user.pressButton("👤 Открыть карточку");
    expect((await card).inlineKeyboard.flat().map((x) => x.text)).toContain("✍️ Написать конкретному человеку");

    // Importing the same file again changes nothing and tells nobody again.
    const again = await importCli(path);
    expect(again.out.at(-1)).toMatch(/^0 created, 0 updated, 4 unchanged; .* 0 notices to writers queued\.$/);
  });

  it("imports a Russian-only list saved by Excel in Russian (BOM, CRLF, \";\"), searchable by Latin spelling", async () => {
    const rows = [
      "externalId;lastName;firstName;patronymic;birthDate;region;facilityName;postalAddress;canReceiveLetters;cannotReceiveReason;caseSummaryRu;sentenceRu;interests",
      'ru-1;Жёлудева;Юлия;Андреевна;23.04.1990;Пермский край;ФКУ ИК-28;"614000, г. Пермь; ул. Примерная, д. 1";ИСТИНА;;"Пост о войне; «фейк»";6 лет колонии;"books;music"',
      'ru-2;Щеглов;Фёдор;;02.11.1975;Хабаровский край;ФКУ ИК-99;;ЛОЖЬ;identity_protected;"Дело ""Щеглова""";;',
    ];
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.join("\r\n") + "\r\n", "utf8")]);
    const result = await importCli(file(bytes, "csv"));
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.at(-1)).toMatch(/^2 created, 0 updated/);
    const julia = await t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "ru-1" } });
    expect(julia).toMatchObject({
      lastNameLatin: "Zheludeva", firstNameLatin: "Yuliya", patronymicLatin: "Andreevna",
      caseSummaryRu: "Пост о войне; «фейк»", caseSummaryEn: null, interests: ["books", "music"],
      postalAddress: "614000, г. Пермь; ул. Примерная, д. 1", canReceiveLetters: true,
    });
    expect(julia.birthDate.toISOString().slice(0, 10)).toBe("1990-04-23");
    expect(await t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "ru-2" } })).toMatchObject({
      lastNameLatin: "Shcheglov", caseSummaryRu: 'Дело "Щеглова"', cannotReceiveReason: "identity_protected",
    });
    // Found by the Latin spelling an English writer types, and by a different transliteration.
    for (const query of ["Zheludeva", "Julia Zheludeva", "Shcheglov"]) {
      const found = await searchPrisonersByName(t.app.prisma, query, { limit: 5, offset: 0 });
      expect(found.items.map((p) => p.externalId)[0]).toBe(query === "Shcheglov" ? "ru-2" : "ru-1");
    }
  });

  it("makes a notice unique per event, writer and letter or assignment", () => {
    const changedAt = new Date("2026-11-27T10:00:00Z");
    const payload = importNoticePayload({ event: "transferred", writerId: 7, prisonerId: 3, reason: null, letterId: 9, letterCode: "L-AB12", changedAt });
    expect(payload).toMatchObject({
      writerId: 7,
      key: "import-notice-transferred-letter",
      params: { code: "L-AB12", reason: "other" },
      dedupeKey: `prisoner-3-transferred-${changedAt.getTime()}-w7-l9`,
    });
  });

  it("prints usage for bad arguments and a clear error for a missing file", async () => {
    expect((await importCli()).code).toBe(1);
    const missing = await importCli(join(dir, "nope.csv"));
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([expect.stringMatching(/^Error: cannot read .*nope\.csv: ENOENT$/)]);
  });
});

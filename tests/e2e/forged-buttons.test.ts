// Forged and outdated button presses: a modified client can send any callback_data. Every press
// must get a polite answer in the presser's language, never an error log or a database error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { capturedLogger } from "../helpers/logs.js";
import { MAX_CALLBACK_BYTES } from "../../src/messages/callbacks.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { createLetter, postCard, startedWriter } from "./operators-helpers.js";

/** Older features' own wording for a button they no longer know (rules, guide, language). */
const STALE = { ru: "Эта кнопка больше не работает. Отправьте /start, чтобы открыть меню.", en: "This button no longer works. Send /start to open the menu." };
const GENERIC_ERROR = /something went wrong|что-то пошло не так/i;

/** A small seeded generator, so a failing payload can be reproduced. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const PREFIXES = [
  "my:l", "my:r", "my:rs", "my:list", "my:tp", "my:tq", "my:wa", "my:tr", "s:p", "s:w", "s:b:i", "s:b:zz", "s:f:i:abc", "s:f:v", "s:q:abc", "s:srw", "sr:f", "sr:n", "sr:d", "hold:go", "hold:x",
  "write:go", "write:other", "card:charges", "rep:wb", "rules:ok:p", "rules:ok:r", "rules:more:p", "rules:ok:p1a", "mod:ap", "mod:ch", "mod:rj",
  "mod:bk", "mod:tr", "mod:cr:1", "mod:rr:1", "bat:post", "lang:set", "guide:s", "int:t", "int:own", "int:clear", "int:done", "privacy", "ltr:ab",
];
const BAD_NUMBERS = ["2147483648", "99999999999", "0", "-1", "00001", "1e3", "NaN", "", " 1", "١٢", "１２", "9007199254740993", "2147483647x", "1.5", "+1", "0x10"];

/** Boundary payloads (known prefixes with junk or out-of-range ids), then random ones up to `total`. */
function payloads(total: number): string[] {
  const list = new Set<string>(["", ":", "::", "🙂", "x".repeat(MAX_CALLBACK_BYTES), "ж".repeat(32), "s:p:2147483648", "my:l:2147483648", "rules:ok:p2147483648"]);
  for (const prefix of PREFIXES) {
    const sep = /[a-z]$/.test(prefix) && !prefix.startsWith("rules:") ? ":" : "";
    for (const bad of BAD_NUMBERS.slice(0, 4)) list.add(`${prefix}${sep}${bad}`);
  }
  list.add("mod:cr:5:not-a-reason");
  list.add("mod:rr:2147483648:spam");
  list.add("s:f:i:" + "a".repeat(60) + ":0");
  for (const p of list) if (Buffer.byteLength(p) > MAX_CALLBACK_BYTES) list.delete(p);
  const random = seeded(20261205);
  const add = (p: string) => {
    if (Buffer.byteLength(p) <= MAX_CALLBACK_BYTES) list.add(p);
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:-_ЖжЁё🙂 ";
  while (list.size < total) {
    const kind = random();
    if (kind < 0.5) {
      const prefix = pick(PREFIXES);
      add(`${prefix}${/[a-z]$/.test(prefix) ? ":" : ""}${pick(BAD_NUMBERS)}`);
    } else if (kind < 0.75) {
      add(`${pick(PREFIXES)}:${Math.floor(random() * 1e12) + 2_147_483_648}`);
    } else {
      const length = 1 + Math.floor(random() * 40);
      add(Array.from({ length }, () => pick([...alphabet])).join(""));
    }
  }
  // Telegram refuses callback data over 64 bytes, so nothing longer can arrive.
  return [...list];
}

let lines: Record<string, unknown>[] = [];
let fake: FakeTelegram;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeTelegram();
  const { logger, lines: captured } = capturedLogger();
  lines = captured;
  const group = fake.group({ title: "Operators" });
  const admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  // One writer presses a few hundred buttons a minute here, as no person does: above the flood limit.
  const env = { OPERATORS_CHAT_ID: String(group.id), ADMIN_IDS: String(admin.id), FLOOD_MESSAGES_PER_MINUTE: "10000" };
  t = await startTestApp({ fake, logger, env });
  world = { group, admin };
}, 60_000);

afterAll(async () => {
  await t.stop();
  await fake.close();
});

let world: { group: ReturnType<FakeTelegram["group"]>; admin: ReturnType<FakeTelegram["user"]> };

describe("forged button presses", () => {
  const list = payloads(200);

  it("generates 200 distinct payloads, all within Telegram's 64 bytes", () => {
    expect(list).toHaveLength(200);
    expect(new Set(list).size).toBe(200);
  });

  it("a writer's every forged press is answered politely in their language; nothing is logged as an error", async () => {
    for (const language of ["ru", "en"] as const) {
      const { user } = await startedWriter(t, language);
      // Any button of the latest message with buttons carries the forged data (the few valid
      // payloads may edit or replace that message).
      const press = (data: string) => {
        const latest = user.messages().filter((m) => m.inlineKeyboard.length > 0).at(-1);
        return user.pressButton(latest?.inlineKeyboard.flat()[0]?.text ?? "", { messageId: latest?.messageId, forgedData: data });
      };
      const before = lines.length;
      let outdated = 0;
      for (const data of list) {
        // pressButton resolves only once the bot answered the press (no endless spinner).
        const answer = await press(data);
        expect(answer.text ?? "", data).not.toMatch(GENERIC_ERROR);
        if (answer.text === STALE[language]) outdated++;
      }
      // A few payloads happen to be valid ("my:list:0", "s:b:i:0") or get a feature's own polite
      // answer ("this search is out of date"); the rest are refused as outdated.
      expect(outdated).toBeGreaterThan(190);
      expect(user.messages().filter((m) => GENERIC_ERROR.test(m.text ?? ""))).toEqual([]);
      const errors = lines.slice(before).filter((l) => Number(l.level) >= 50 || /out of range/i.test(JSON.stringify(l)));
      expect(errors).toEqual([]);
      // The plain "out of date" answer is in the writer's language.
      expect((await press("my:l:2147483648")).text).toBe(STALE[language]);
    }
  }, 120_000);

  it("an operator's every forged press in the operators' chat is answered politely in Russian; no error log", async () => {
    const { group, admin } = world;
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = await postCard({ t, group, admin }, letter);
    const before = lines.length;
    let answered = 0;
    for (const data of list) {
      const answer = await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId, forgedData: data });
      // None of these is a real operator's button: every press gets the plain "out of date" answer.
      expect(answer.text ?? "", data).toBe(STALE.ru);
      answered++;
    }
    expect(answered).toBe(200);
    expect(group.messages().filter((m) => GENERIC_ERROR.test(m.text ?? ""))).toEqual([]);
    expect(lines.slice(before).filter((l) => Number(l.level) >= 50 || /out of range/i.test(JSON.stringify(l)))).toEqual([]);
    for (const data of ["mod:ap:99999999999", "bat:post:2147483648", "sr:f:2147483648", "mod:tr:0"]) {
      expect((await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId, forgedData: data })).text).toBe(STALE.ru);
    }
    // The real letter was not touched by any forged press.
    expect((await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("submitted");
  }, 120_000);
});

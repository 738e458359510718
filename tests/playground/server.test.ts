// The playground's web server over plain HTTP: only its own page may use it (Host and Origin
// checked, JSON required), and an oversized upload is a 413, not the end of the process.
import { request } from "node:http";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/messages/i18n.js";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { createLogger } from "../../src/logger.js";
import { startPlaygroundServer, type PlaygroundServer } from "../../src/playground/server.js";

let fake: FakeTelegram;
let writer: FakeUser;
let group: FakeGroup;
let web: PlaygroundServer;
let port: number;

beforeAll(async () => {
  fake = await startFakeTelegram();
  writer = fake.user({ firstName: "Anna", languageCode: "ru" });
  const operator = fake.user({ firstName: "Olga", languageCode: "ru" });
  group = fake.group({ title: "Operators" });
  const persona = (user: FakeUser) => ({ id: user.id, name: user.info.first_name, languageCode: "ru" });
  const chats = [
    { kind: "private" as const, user: writer, view: { id: writer.id, kind: "private" as const, title: "Lifeline", persona: persona(writer) } },
    { kind: "group" as const, group, operator, view: { id: group.id, kind: "group" as const, title: "Operators", persona: persona(operator) } },
  ];
  const state = { bot: { name: "Lifeline", username: fake.botInfo.username }, chats: chats.map((c) => c.view), commands: {} };
  web = await startPlaygroundServer({ fake, chats, state, i18n: createI18n(), logger: createLogger("silent") }, "127.0.0.1", 0);
  port = Number(new URL(web.url).port);
});

afterAll(async () => {
  await web.close();
  await fake.close();
});

interface Answer {
  status: number;
  body: string;
}

/** One request with exactly these headers (fetch would not let a test set Host). */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    req.end(body);
  });
}

const own = { origin: () => `http://127.0.0.1:${port}` };
const json = (value: unknown) => JSON.stringify(value);

function multipart(files: Array<{ name: string; type: string; bytes: Buffer }>): { headers: Record<string, string>; body: Buffer } {
  const boundary = "----playgroundtest7d3f";
  const parts = files.flatMap((f) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`),
    f.bytes,
    Buffer.from("\r\n"),
  ]);
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  return { headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) }, body };
}

describe("the playground server", () => {
  it("answers only at a loopback name: a rebound foreign Host cannot read the state", async () => {
    expect((await call("GET", "/api/state")).status).toBe(200);
    expect((await call("GET", "/api/state", { host: `localhost:${port}` })).status).toBe(200);
    const rebound = await call("GET", "/api/state", { host: `evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain("Operators");
    expect((await call("GET", "/", { host: "evil.example" })).status).toBe(421);
  });

  it("types into a chat only for its own page: foreign Origin, cross-site and non-JSON POSTs are refused", async () => {
    const path = `/api/chats/${group.id}/text`;
    const attempts: Array<[Record<string, string>, number]> = [
      [{ "content-type": "text/plain", origin: "https://evil.example" }, 403],
      [{ "content-type": "application/json", origin: "https://evil.example" }, 403],
      [{ "content-type": "application/json", origin: "http://127.0.0.1.evil.example" }, 403],
      [{ "content-type": "application/json", "sec-fetch-site": "cross-site" }, 403],
      [{ "content-type": "text/plain" }, 415],
      [{ "content-type": "text/plain", origin: own.origin() }, 415],
    ];
    for (const [headers, status] of attempts) {
      expect((await call("POST", path, headers, json({ text: "/approve" }))).status, json(headers)).toBe(status);
    }
    expect(group.history()).toHaveLength(0);

    const ok = await call("POST", path, { "content-type": "application/json", origin: own.origin(), "sec-fetch-site": "same-origin" }, json({ text: "hello" }));
    expect(ok.status).toBe(200);
    expect(group.history().map((m) => m.text)).toEqual(["hello"]);
  });

  it("refuses an upload over 20 MB with 413 and keeps running; a normal upload after it works", async () => {
    const path = `/api/chats/${writer.id}/upload`;
    const tooBig = multipart([{ name: "scan.pdf", type: "application/pdf", bytes: Buffer.alloc(21 * 1024 * 1024, 7) }]);
    const refused = await call("POST", path, { ...tooBig.headers, origin: own.origin() }, tooBig.body);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toEqual({ error: "scan.pdf is larger than 20 MB, Telegram's limit for bots" });
    // A declared size beyond any allowed upload is refused before reading.
    const declared = await call("POST", path, { ...tooBig.headers, "content-length": String(300 * 1024 * 1024), origin: own.origin() }, "");
    expect(declared.status).toBe(413);
    // A cross-site form posting a file is refused too.
    const small = multipart([{ name: "page.jpg", type: "image/jpeg", bytes: await sharp({ create: { width: 40, height: 60, channels: 3, background: "#eeeeee" } }).jpeg().toBuffer() }]);
    expect((await call("POST", path, { ...small.headers, origin: "https://evil.example" }, small.body)).status).toBe(403);
    expect(writer.history()).toHaveLength(0);

    expect((await call("GET", "/api/state")).status).toBe(200);
    const accepted = await call("POST", path, { ...small.headers, origin: own.origin() }, small.body);
    expect(accepted.status).toBe(200);
    expect(writer.history().map((m) => m.kind)).toEqual(["photo"]);
  });
});

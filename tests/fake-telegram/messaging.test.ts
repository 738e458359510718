import { autoRetry } from "@grammyjs/auto-retry";
import { run, sequentialize } from "@grammyjs/runner";
import { GrammyError } from "grammy";
import { afterEach, describe, expect, test } from "vitest";
import { createHarness, type Harness } from "./helpers.js";

let h: Harness;

afterEach(async () => {
  await h.stop();
});

describe("long polling", () => {
  test("delivers updates sent before and after the bot starts, and records replies in order", async () => {
    h = await createHarness();
    const ann = h.fake.user({ firstName: "Ann", languageCode: "ru" });
    await ann.sendText("early");
    const seen: string[] = [];
    h.bot.on("message:text", async (ctx) => {
      seen.push(`${ctx.from.language_code}:${ctx.message.text}`);
      await ctx.reply(`echo ${ctx.message.text}`);
    });
    await h.start();
    await ann.waitForMessage("echo early", { afterMessageId: 0 });
    await ann.sendText("late");
    const reply = await ann.waitForMessage("echo late");

    expect(seen).toEqual(["ru:early", "ru:late"]);
    expect(ann.messages().map((m) => m.text)).toEqual(["echo early", "echo late"]);
    expect(ann.history().map((m) => [m.messageId, m.sender])).toEqual([
      [1, "user"],
      [2, "bot"],
      [3, "user"],
      [4, "bot"],
    ]);
    expect(reply.raw.from).toMatchObject({ id: h.fake.botInfo.id, is_bot: true, username: h.fake.botInfo.username });
    expect(reply.raw.chat).toEqual({ id: ann.id, type: "private", first_name: "Ann" });
    expect(Math.abs(reply.date - Date.now() / 1000)).toBeLessThan(5);
    // Confirmed updates are gone once the bot polls again with the next offset.
    await expect.poll(() => h.fake.pendingUpdateCount).toBe(0);
  });

  test("works with @grammyjs/runner and per-chat sequentialize, as production polls", async () => {
    h = await createHarness();
    h.bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    h.bot.on("message:text", (ctx) => ctx.reply(`runner ${ctx.message.text}`));
    const runner = run(h.bot, { runner: { fetch: { timeout: 10 } } });
    try {
      const ann = h.fake.user();
      const bob = h.fake.user();
      await ann.sendText("a1");
      await bob.sendText("b1");
      await ann.sendText("a2");
      await ann.waitForMessage("runner a2", { afterMessageId: 0 });
      await bob.waitForMessage("runner b1", { afterMessageId: 0 });
      expect(ann.messages().map((m) => m.text)).toEqual(["runner a1", "runner a2"]);
    } finally {
      await runner.stop();
    }
  });

  test("a second concurrent getUpdates ends the first one with 409 Conflict", async () => {
    h = await createHarness();
    const url = `${h.fake.apiRoot}/bot${h.fake.token}/getUpdates`;
    const first = fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"timeout":5}' });
    await expect.poll(() => h.fake.calls("getUpdates").length).toBe(1);
    const second = fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"timeout":0}' });
    const firstRes = await first;
    expect(firstRes.status).toBe(409);
    expect(await firstRes.json()).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    expect(await (await second).json()).toEqual({ ok: true, result: [] });
  });

  test("allowed_updates filters update types and offset confirms updates", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("one");
    ann.block();
    const api = h.bot.api;
    const onlyMessages = await api.getUpdates({ allowed_updates: ["message"], timeout: 0 });
    expect(onlyMessages.map((u) => u.message?.text)).toEqual(["one"]);
    const again = await api.getUpdates({ timeout: 0 });
    expect(again).toHaveLength(1);
    const confirmed = await api.getUpdates({ offset: (again[0]?.update_id ?? 0) + 1, timeout: 0 });
    expect(confirmed).toEqual([]);
  });

  test("a wrong token gets 401 Unauthorized like Telegram", async () => {
    h = await createHarness();
    const res = await fetch(`${h.fake.apiRoot}/bot123:wrong/getMe`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await fetch(`${h.fake.apiRoot}/bot${h.fake.token}/sendTelepathy`, { method: "POST" });
    expect(unknown.status).toBe(404);
  });
});

describe("commands and buttons", () => {
  test("commands carry bot_command entities in private chats and groups", async () => {
    h = await createHarness();
    const args: string[] = [];
    h.bot.command("find", async (ctx) => {
      args.push(ctx.match);
      await ctx.reply(`searching ${ctx.match}`);
    });
    await h.start();
    const ann = h.fake.user();
    const sent = await ann.sendText("/find Ivanov");
    expect(sent.entities).toEqual([{ type: "bot_command", offset: 0, length: 5 }]);
    await ann.waitForMessage("searching Ivanov");

    const operators = h.fake.group({ title: "Operators" });
    const groupSent = await operators.sendText(ann, `/find@${h.fake.botInfo.username} Petrova`);
    expect(groupSent.entities?.[0]).toEqual({ type: "bot_command", offset: 0, length: 6 + h.fake.botInfo.username.length });
    const reply = await operators.waitForMessage();
    expect(reply.text).toBe("searching Petrova");
    expect(reply.raw.chat).toEqual({ id: operators.id, type: "supergroup", title: "Operators" });
    expect(args).toEqual(["Ivanov", "Petrova"]);
  });

  test("pressing an inline button sends a callback query and returns the bot's answer", async () => {
    h = await createHarness();
    h.bot.command("start", (ctx) =>
      ctx.reply("Pick one", {
        reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "pick:yes" }, { text: "Site", url: "https://example.org" }]] },
      }),
    );
    h.bot.callbackQuery(/^pick:(.+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `picked ${ctx.match[1]}`, show_alert: true });
      await ctx.editMessageText(`You picked ${ctx.match[1]} (message ${ctx.callbackQuery.message?.message_id})`);
    });
    await h.start();
    const ann = h.fake.user();
    await ann.sendText("/start");
    const menu = await ann.waitForMessage("Pick one");
    expect(menu.inlineKeyboard[0]?.map((b) => b.text)).toEqual(["Yes", "Site"]);

    const answer = await ann.pressButton("pick:yes");
    expect(answer).toEqual({ text: "picked yes", showAlert: true });
    const edited = await ann.waitForMessage("You picked", { includeEdits: true });
    expect(edited.text).toBe(`You picked yes (message ${menu.messageId})`);
    // Edited in place: same message, keyboard removed because the edit did not repeat it.
    expect(ann.messages()).toHaveLength(1);
    expect(edited.messageId).toBe(menu.messageId);
    expect(edited.editDate).toBeDefined();
    expect(edited.inlineKeyboard).toEqual([]);

    await expect(ann.pressButton("No such button")).rejects.toThrow(/No inline button .*"No such button"/);
  });

  test("reply keyboards are tracked and pressed as text", async () => {
    h = await createHarness();
    h.bot.command("start", (ctx) =>
      ctx.reply("Language?", { reply_markup: { keyboard: [[{ text: "English" }, { text: "Русский" }]], one_time_keyboard: true, resize_keyboard: true } }),
    );
    h.bot.hears("Русский", (ctx) => ctx.reply("Хорошо", { reply_markup: { remove_keyboard: true } }));
    await h.start();
    const ann = h.fake.user();
    await ann.sendText("/start");
    await ann.waitForMessage("Language?");
    expect(ann.replyKeyboard()).toEqual([[{ text: "English" }, { text: "Русский" }]]);
    await ann.pressKeyboardButton("Русский");
    await ann.waitForMessage("Хорошо");
    expect(ann.replyKeyboard()).toBeUndefined();
  });

  test("inline queries resolve with the bot's answer", async () => {
    h = await createHarness();
    h.bot.inlineQuery(/.*/, (ctx) =>
      ctx.answerInlineQuery([{ type: "article", id: "1", title: `Result for ${ctx.inlineQuery.query}`, input_message_content: { message_text: "hi" } }], {
        cache_time: 0,
      }),
    );
    await h.start();
    const answer = await h.fake.user().sendInlineQuery("prisoner");
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({ title: "Result for prisoner" });
    expect(answer.cacheTime).toBe(0);
  });
});

describe("editing and deleting", () => {
  test("identical edits fail like Telegram, deletions disappear from the chat", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("hi");
    const api = h.bot.api;
    const sent = await api.sendMessage(ann.id, "Draft", { reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } });
    const second = await api.sendMessage(ann.id, "Second", { reply_parameters: { message_id: sent.message_id } });
    expect(second.message_id).toBe(sent.message_id + 1);
    expect(second.reply_to_message?.text).toBe("Draft");

    await expect(
      api.editMessageText(ann.id, sent.message_id, "Draft", { reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] } }),
    ).rejects.toThrow(/message is not modified/);
    await api.editMessageReplyMarkup(ann.id, sent.message_id, { reply_markup: { inline_keyboard: [[{ text: "B", callback_data: "b" }]] } });
    expect(ann.messages()[0]?.inlineKeyboard[0]?.[0]?.text).toBe("B");
    await expect(api.editMessageCaption(ann.id, sent.message_id, { caption: "x" })).rejects.toThrow(/there is no caption in the message to edit/);
    await expect(api.editMessageText(ann.id, 1, "user's")).rejects.toThrow(/message can't be edited/);

    await api.deleteMessage(ann.id, sent.message_id);
    expect(ann.messages().map((m) => m.text)).toEqual(["Second"]);
    await expect(api.deleteMessage(ann.id, sent.message_id)).rejects.toThrow("Bad Request: message to delete not found");
  });
});

describe("errors like Telegram's", () => {
  test("text limits, parse errors and unknown chats give 400", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("/start");
    const api = h.bot.api;
    await expect(api.sendMessage(ann.id, "x".repeat(4097))).rejects.toMatchObject({
      error_code: 400,
      description: "Bad Request: message is too long",
    });
    await api.sendMessage(ann.id, "x".repeat(4096));
    await expect(api.sendMessage(ann.id, "  \n")).rejects.toMatchObject({ description: "Bad Request: message text is empty" });
    await expect(api.sendMessage(ann.id, "1 < 2", { parse_mode: "HTML" })).rejects.toMatchObject({
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    });
    await expect(api.sendMessage(ann.id, "Done.", { parse_mode: "MarkdownV2" })).rejects.toMatchObject({
      description: "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    await expect(api.sendMessage(424242, "hello")).rejects.toMatchObject({ error_code: 400, description: "Bad Request: chat not found" });
    await expect(
      api.sendMessage(ann.id, "x", { reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "y".repeat(65) }]] } }),
    ).rejects.toMatchObject({ description: "Bad Request: BUTTON_DATA_INVALID" });
    const formatted = await api.sendMessage(ann.id, "<b>Dear</b> &lt;friend&gt;\n", { parse_mode: "HTML" });
    expect(formatted.text).toBe("Dear <friend>");
    expect(ann.lastMessage()).toMatchObject({ text: "Dear <friend>", parseMode: "HTML", entities: [{ type: "bold", offset: 0, length: 4 }] });
  });

  test("a user who never wrote cannot be messaged; a blocked user gives 403 and a my_chat_member update", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await expect(h.bot.api.sendMessage(ann.id, "hi")).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    const statuses: string[] = [];
    h.bot.on("my_chat_member", (ctx) => {
      statuses.push(ctx.myChatMember.new_chat_member.status);
    });
    h.bot.on("message", (ctx) => ctx.reply("hello"));
    await h.start();
    await ann.sendText("hi");
    await ann.waitForMessage("hello");
    ann.block();
    const err: unknown = await h.bot.api.sendMessage(ann.id, "still there?").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    await expect.poll(() => statuses).toEqual(["kicked"]);
    ann.unblock();
    await h.bot.api.sendMessage(ann.id, "welcome back");
    await expect.poll(() => statuses).toEqual(["kicked", "member"]);
    expect(ann.messages().map((m) => m.text)).toEqual(["hello", "welcome back"]);
  });

  test("an injected 429 carries retry_after, and auto-retry waits it out", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("hi");
    h.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1 });
    const err: unknown = await h.bot.api.sendMessage(ann.id, "too fast").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err).toMatchObject({ error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });

    h.bot.api.config.use(autoRetry());
    h.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1, chatId: ann.id });
    await h.bot.api.sendMessage(ann.id, "patient");
    const attempts = h.fake.calls("sendMessage").filter((c) => c.params.text === "patient");
    expect(attempts.map((c) => c.ok)).toEqual([false, true]);
    expect(attempts[0]?.errorCode).toBe(429);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(ann.messages().map((m) => m.text)).toEqual(["patient"]);
  });

  test("injected failures can repeat and target other codes", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("hi");
    h.fake.failNext("sendMessage", { errorCode: 500, description: "Internal Server Error", times: 2 });
    await expect(h.bot.api.sendMessage(ann.id, "a")).rejects.toMatchObject({ error_code: 500 });
    await expect(h.bot.api.sendMessage(ann.id, "b")).rejects.toMatchObject({ error_code: 500 });
    await h.bot.api.sendMessage(ann.id, "c");
    expect(ann.messages().map((m) => m.text)).toEqual(["c"]);
  });

  test("waitForMessage explains what the chat got when nothing matches", async () => {
    h = await createHarness();
    const ann = h.fake.user();
    await ann.sendText("hi");
    await h.bot.api.sendMessage(ann.id, "Something else", { reply_markup: { inline_keyboard: [[{ text: "OK", callback_data: "ok" }]] } });
    const err = await ann.waitForMessage("Welcome", { timeoutMs: 50 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('waiting for a bot message containing "Welcome"');
    expect((err as Error).message).toContain('#2 bot: "Something else" [OK]');
  });
});

describe("groups and observers", () => {
  test("a group member presses a button on a card; edits and events are observed", async () => {
    h = await createHarness();
    const events: string[] = [];
    h.fake.subscribe((e) => events.push(`${e.type}:${e.chatId}`));
    h.bot.on("callback_query:data", async (ctx) => {
      await ctx.editMessageText(`Approved by ${ctx.from.first_name}`);
      await ctx.answerCallbackQuery();
    });
    h.bot.on("edited_message:text", (ctx) => ctx.reply(`you changed it to ${ctx.editedMessage.text}`));
    await h.start();
    const operators = h.fake.group({ title: "Operators" });
    const olga = h.fake.user({ firstName: "Olga" });
    await h.bot.api.sendMessage(operators.id, "Letter L-7", { reply_markup: { inline_keyboard: [[{ text: "Approve", callback_data: "approve:7" }]] } });
    expect(await operators.pressButton(olga, "Approve")).toEqual({ showAlert: false });
    expect(operators.messages().map((m) => m.text)).toEqual(["Approved by Olga"]);

    const sent = await olga.sendText("typo");
    await olga.editText(sent.message_id, "fixed");
    await olga.waitForMessage("you changed it to fixed");
    expect(olga.history().map((m) => m.text)).toEqual(["fixed", "you changed it to fixed"]);
    expect(events).toEqual([
      `message:${operators.id}`,
      `edit:${operators.id}`,
      `callback_answer:${operators.id}`,
      `message:${olga.id}`,
      `edit:${olga.id}`,
      `message:${olga.id}`,
    ]);
  });


  test("members, administrators and replies in a group", async () => {
    h = await createHarness();
    const group = h.fake.group({ title: "Operators" });
    const olga = h.fake.user({ firstName: "Olga" });
    group.setMemberStatus(olga, "administrator");
    const stranger = h.fake.user();
    const card = await h.bot.api.sendMessage(group.id, "Letter L-1 awaits moderation");
    const reply = await group.sendText(olga, "taking it", { replyToMessageId: card.message_id });
    expect(reply.reply_to_message?.message_id).toBe(card.message_id);
    expect((await h.bot.api.getChatMember(group.id, olga.id)).status).toBe("administrator");
    expect((await h.bot.api.getChatMember(group.id, stranger.id)).status).toBe("left");
    expect((await h.bot.api.getChatMember(group.id, h.fake.botInfo.id)).status).toBe("administrator");
    const chat = await h.bot.api.getChat(group.id);
    expect(chat).toMatchObject({ id: group.id, type: "supergroup", title: "Operators" });
  });
});

// src/bot/composer.ts must behave exactly as grammY's Composer: the same handlers run, in the same
// order, with the same `next`, for every kind of update. The same feature is built on both and fed
// the same updates; the journals of what ran must be equal.
import { Api, Composer as GrammyComposer, Context, type Middleware } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { Composer } from "../../src/bot/composer.js";

const me: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: "Lifeline",
  username: "lifeline_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const api = new Api("42:test");
const user = { id: 7, is_bot: false, first_name: "Аня" };
const privateChat = { id: 7, type: "private" as const, first_name: "Аня" };
const group = { id: -100, type: "group" as const, title: "Операторы" };

const message = (chat: typeof privateChat | typeof group, text: string, id: number): Update => ({
  update_id: id,
  message: {
    message_id: id,
    date: 0,
    chat,
    from: user,
    text,
    ...(text.startsWith("/") ? { entities: [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }] } : {}),
  },
});
const press = (data: string, id: number): Update => ({
  update_id: id,
  callback_query: { id: String(id), from: user, chat_instance: "1", data, message: { message_id: 1, date: 0, chat: privateChat, text: "…" } },
});
const photo = (id: number): Update => ({
  update_id: id,
  message: { message_id: id, date: 0, chat: privateChat, from: user, photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }], caption: "/help please" },
});
const blocked = (id: number): Update => ({
  update_id: id,
  my_chat_member: {
    chat: privateChat,
    from: user,
    date: 0,
    old_chat_member: { status: "member", user: { ...me, is_bot: true } },
    new_chat_member: { status: "kicked", user: { ...me, is_bot: true }, until_date: 0 },
  },
});

const updates: Update[] = [
  message(privateChat, "/help", 1),
  message(privateChat, "/start p_12", 2),
  message(group, "/help", 3),
  message(privateChat, "Здравствуйте", 4),
  message(privateChat, "search me", 5),
  press("menu:help", 6),
  press("ltr:ab12:prev", 7),
  press("unknown", 8),
  photo(9),
  blocked(10),
  { update_id: 12, channel_post: { message_id: 5, date: 0, chat: { id: -200, type: "channel", title: "Новости" }, text: "search channel" } },
  { update_id: 11, edited_message: { message_id: 4, date: 0, edit_date: 1, chat: privateChat, from: user, text: "Здравствуйте!" } },
];

/** One feature as the bot's are written, on a given Composer class; every handler notes that it ran. */
function feature(make: () => GrammyComposer<Context>, journal: string[]): GrammyComposer<Context> {
  const note = (name: string, pass = false): Middleware<Context> => async (ctx, next) => {
    journal.push(`${ctx.update.update_id}:${name}${ctx.match ? `(${String(ctx.match)})` : ""}`);
    if (pass) await next();
  };
  const composer = make();
  composer.use(note("first", true)).use(note("chained", true), note("chained-too", true));
  const privateChats = composer.chatType("private");
  privateChats.callbackQuery("menu:help", note("help-button"));
  privateChats.callbackQuery(/^ltr:([0-9a-f]+):prev$/, note("preview", true), note("after-preview"));
  privateChats.command("start", note("start", true));
  privateChats.command("help", note("help"));
  composer.on("my_chat_member", note("member"));
  // An asynchronous filter, as a feature that asks the database would have.
  composer.on(":photo").filter((ctx) => Promise.resolve(ctx.msg?.caption?.includes("help") === true), note("photo-help"));
  composer.hears(/search (.+)/, note("search"));
  composer.chatType(["group", "supergroup"]).command("help", note("group-help"));
  composer.drop((ctx) => ctx.chat?.type === "private", note("not-private"));
  composer.on("edit:text", note("edit"));
  composer.on(["message:text", "callback_query:data"], note("text-or-data", true));
  composer.callbackQuery("unknown", note("unknown"));
  composer.use(note("last", true));
  return composer;
}

async function journalOf(make: () => GrammyComposer<Context>): Promise<string[]> {
  const journal: string[] = [];
  const handler = feature(make, journal).middleware();
  for (const update of updates) {
    await handler(new Context(update, api, me), () => {
      journal.push(`${update.update_id}:fell-through`);
      return Promise.resolve();
    });
  }
  return journal;
}

describe("the bot's Composer", () => {
  it("runs the same handlers in the same order as grammY's for every kind of update", async () => {
    const grammy = await journalOf(() => new GrammyComposer<Context>());
    const ours = await journalOf(() => new Composer<Context>());
    expect(ours).toEqual(grammy);
    // The journal covers every branch: handled, passed on, and fallen through.
    expect(grammy).toEqual(expect.arrayContaining(["1:chained", "1:chained-too", "1:help", "2:start(p_12)", "2:text-or-data(p_12)", "3:group-help", "4:last", "4:fell-through", "5:search(search me,me)", "6:help-button(menu:help)", "7:after-preview(ltr:ab12:prev,ab12)", "8:unknown(unknown)", "9:photo-help", "10:member", "11:edit", "12:search(search channel,channel)"]));
  });

  it("refuses a second call of next, as grammY does", async () => {
    const composer = new Composer<Context>();
    composer.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(composer.middleware()(new Context(updates[0]!, api, me), () => Promise.resolve())).rejects.toThrow("`next` already called before!");
  });

  it("hands a synchronous handler's throw on as a rejection of next, and what comes after a synchronous handler runs", async () => {
    const composer = new Composer<Context>();
    const seen: string[] = [];
    composer.use(async (_ctx, next) => {
      await next().catch((err: unknown) => seen.push(`caught ${(err as Error).message}`));
    });
    composer.use((_ctx, next) => {
      seen.push("sync");
      return next();
    });
    composer.on("message", () => {
      throw new Error("broken");
    });
    await composer.middleware()(new Context(updates[0]!, api, me), () => Promise.resolve());
    expect(seen).toEqual(["sync", "caught broken"]);
  });
});

import sharp from "sharp";
import type { Chat, InlineKeyboardButton, KeyboardButton, Message, User } from "grammy/types";
import { addAutoEntities } from "./formatting.js";
import { mimeTypeFor } from "./files.js";
import {
  describeMessages,
  snapshot,
  toApiMessage,
  type ChatState,
  type FakeMessage,
  type MemberStatus,
  type StoredMessage,
} from "./state.js";
import type { CallbackAnswer, InlineQueryAnswer, TelegramWorld } from "./world.js";

/** A bot message to wait for: text (or caption) containing a string, matching a RegExp, or any predicate. */
export type MessageMatcher = string | RegExp | ((message: FakeMessage) => boolean);

export interface WaitOptions {
  /** 4000 by default, below vitest's default test timeout so the helpful error wins. */
  timeoutMs?: number;
  /** Also resolve on an edit of an existing message (edited in place). */
  includeEdits?: boolean;
  /** Also consider messages already in the chat with a larger message_id. */
  afterMessageId?: number;
}

export interface PressOptions {
  /** Press the button on this message instead of the latest bot message that has it. */
  messageId?: number;
  /** How long to wait for answerCallbackQuery; 4000 by default. */
  timeoutMs?: number;
  /** Send this callback_data instead of the button's, as a modified client can (forged presses). */
  forgedData?: string;
}

export interface UserPhotoOptions {
  caption?: string;
  mediaGroupId?: string;
  replyToMessageId?: number;
}

export interface UserDocumentOptions {
  fileName: string;
  mimeType?: string;
  caption?: string;
  replyToMessageId?: number;
}

const DEFAULT_TIMEOUT_MS = 4_000;

function matches(matcher: MessageMatcher | undefined, message: FakeMessage): boolean {
  if (matcher === undefined) return true;
  const content = message.text ?? message.caption ?? "";
  if (typeof matcher === "string") return content.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(content);
  return matcher(message);
}

function describeMatcher(matcher: MessageMatcher | undefined): string {
  if (matcher === undefined) return "a bot message";
  if (typeof matcher === "string") return `a bot message containing ${JSON.stringify(matcher)}`;
  if (matcher instanceof RegExp) return `a bot message matching ${String(matcher)}`;
  return "a bot message matching the predicate";
}

/** Pending waits of all simulated chats, so close() can end them instead of leaving timers behind. */
export class Waits {
  private readonly cancels = new Set<(reason: Error) => void>();

  add(cancel: (reason: Error) => void): () => void {
    this.cancels.add(cancel);
    return () => this.cancels.delete(cancel);
  }

  cancelAll(reason: Error): void {
    for (const cancel of [...this.cancels]) cancel(reason);
    this.cancels.clear();
  }
}

/** The parts a private chat and a group share: reading what the bot sent, waiting, pressing buttons. */
abstract class SimulatedChat {
  constructor(
    protected readonly world: TelegramWorld,
    protected readonly state: ChatState,
    protected readonly waits: Waits,
  ) {}

  get id(): number {
    return this.state.id;
  }

  get chat(): Chat {
    return this.state.chat;
  }

  /** What the bot sent to this chat, in order, with edits applied and deleted messages left out. */
  messages(): FakeMessage[] {
    return this.state
      .list()
      .filter((m) => m.sender === "bot")
      .map((m) => snapshot(m, this.state));
  }

  /** Every live message of the chat, the user's and the bot's, in order. */
  history(): FakeMessage[] {
    return this.state.list().map((m) => snapshot(m, this.state));
  }

  lastMessage(): FakeMessage | undefined {
    return this.messages().at(-1);
  }

  /** The reply keyboard the bot last set in this chat, if it is still shown. */
  replyKeyboard(): Exclude<KeyboardButton, string>[][] | undefined {
    return this.state.replyKeyboard?.keyboard.map((row) => row.map((b) => (typeof b === "string" ? { text: b } : b)));
  }

  /** Resolves with the first bot message that arrives after the call (and matches, if a matcher is given). */
  waitForMessage(matcher?: MessageMatcher, opts: WaitOptions = {}): Promise<FakeMessage> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (opts.afterMessageId !== undefined) {
      const after = opts.afterMessageId;
      const existing = this.messages().find((m) => m.messageId > after && matches(matcher, m));
      if (existing !== undefined) return Promise.resolve(existing);
    }
    const startedWith = new Set(this.state.order);
    return new Promise<FakeMessage>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        unsubscribe();
        removeWait();
      };
      const unsubscribe = this.world.subscribe((event) => {
        if (event.chatId !== this.id) return;
        if (event.type !== "message" && !(event.type === "edit" && opts.includeEdits === true)) return;
        if (event.message.sender !== "bot" || !matches(matcher, event.message)) return;
        finish();
        resolve(event.message);
      });
      const timer = setTimeout(() => {
        finish();
        const all = this.messages();
        const fresh = all.filter((m) => !startedWith.has(m.messageId));
        const earlier = all.filter((m) => startedWith.has(m.messageId)).slice(-10);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${describeMatcher(matcher)} in chat ${this.id}.\n` +
              `Bot messages since the wait began:\n${describeMessages(fresh)}\n` +
              `Earlier bot messages (last 10):\n${describeMessages(earlier)}`,
          ),
        );
      }, timeoutMs);
      const removeWait = this.waits.add((reason) => {
        finish();
        reject(reason);
      });
    });
  }

  protected postMessage(from: User, fields: Omit<StoredMessage, "messageId" | "chatId" | "deleted" | "sender" | "from" | "date">): Message {
    if (!this.state.isPrivate && !this.state.members.has(from.id)) this.state.members.set(from.id, { user: from, status: "member" });
    if (this.state.isPrivate) this.state.started = true;
    if (fields.replyToMessageId !== undefined && this.state.get(fields.replyToMessageId) === undefined) {
      throw new Error(`Cannot reply to message ${fields.replyToMessageId}: it is not in chat ${this.id}`);
    }
    const stored = this.state.add({ ...fields, sender: "user", from, date: this.world.now() });
    const message = toApiMessage(stored, this.state);
    this.world.emitMessage("message", this.state, stored);
    this.world.pushUpdate({ message });
    return message;
  }

  protected postText(from: User, text: string, replyToMessageId?: number): Message {
    if (text === "") throw new Error("A Telegram user cannot send an empty message");
    const formatted = addAutoEntities({ text, entities: [] });
    return this.postMessage(from, {
      kind: "text",
      files: [],
      text: formatted.text,
      entities: formatted.entities,
      ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
    });
  }

  protected async postPhoto(from: User, bytes: Buffer, opts: UserPhotoOptions): Promise<Message> {
    const files = await this.world.files.storePhoto(bytes).catch((err: Error) => {
      throw new Error(`Telegram would not accept these bytes as a photo: ${err.message}`);
    });
    return this.postMessage(from, {
      kind: "photo",
      files,
      ...this.caption(opts.caption),
      ...(opts.mediaGroupId !== undefined ? { mediaGroupId: opts.mediaGroupId } : {}),
      ...(opts.replyToMessageId !== undefined ? { replyToMessageId: opts.replyToMessageId } : {}),
    });
  }

  protected postDocument(from: User, bytes: Buffer, opts: UserDocumentOptions): Message {
    const file = this.world.files.store("document", bytes, { fileName: opts.fileName, mimeType: opts.mimeType ?? mimeTypeFor(opts.fileName) });
    return this.postMessage(from, {
      kind: "document",
      files: [file],
      ...this.caption(opts.caption),
      ...(opts.replyToMessageId !== undefined ? { replyToMessageId: opts.replyToMessageId } : {}),
    });
  }

  protected caption(caption: string | undefined): { text?: string; entities: StoredMessage["entities"] } {
    if (caption === undefined || caption === "") return { entities: [] };
    const formatted = addAutoEntities({ text: caption, entities: [] });
    return { text: formatted.text, entities: formatted.entities };
  }

  /** Finds the inline button, sends the callback query, and resolves with the bot's answerCallbackQuery. */
  protected press(from: User, textOrData: string, opts: PressOptions): Promise<CallbackAnswer> {
    const candidates = this.state
      .list()
      .filter((m) => m.sender === "bot" && (opts.messageId === undefined || m.messageId === opts.messageId))
      .reverse();
    let found: { message: StoredMessage; button: InlineKeyboardButton } | undefined;
    for (const message of candidates) {
      const markup = message.replyMarkup;
      if (markup === undefined || !("inline_keyboard" in markup)) continue;
      const buttons = markup.inline_keyboard.flat();
      const button =
        buttons.find((b) => b.text === textOrData) ??
        buttons.find((b) => "callback_data" in b && b.callback_data === textOrData);
      if (button !== undefined) {
        found = { message, button };
        break;
      }
    }
    if (found === undefined) {
      const withButtons = this.messages().filter((m) => m.inlineKeyboard.length > 0).slice(-10);
      const where = opts.messageId !== undefined ? `message ${opts.messageId} of chat ${this.id}` : `chat ${this.id}`;
      return Promise.reject(
        new Error(`No inline button with text or callback_data ${JSON.stringify(textOrData)} in ${where}. Messages with buttons:\n${describeMessages(withButtons)}`),
      );
    }
    const { message, button } = found;
    if (!("callback_data" in button)) {
      return Promise.reject(new Error(`Button ${JSON.stringify(button.text)} is not a callback button: ${JSON.stringify(button)}`));
    }
    const id = this.world.newQueryId();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<CallbackAnswer>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        removeWait();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`The bot did not answer the callback query for button ${JSON.stringify(button.text)} (data ${JSON.stringify(button.callback_data)}) in chat ${this.id} within ${timeoutMs} ms`));
      }, timeoutMs);
      const removeWait = this.waits.add((reason) => {
        finish();
        reject(reason);
      });
      this.world.callbackQueries.set(id, {
        chatId: this.id,
        messageId: message.messageId,
        answered: false,
        resolve: (answer) => {
          finish();
          resolve(answer);
        },
      });
      this.world.pushUpdate({
        callback_query: {
          id,
          from,
          message: toApiMessage(message, this.state),
          chat_instance: String(Math.abs(this.id) * 7 + 1_000_000_007),
          data: opts.forgedData ?? button.callback_data,
        },
      });
    });
  }
}

export interface FakeUserOptions {
  id?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** An IETF tag as Telegram sends it, e.g. "ru", "en-US"; omitted when undefined. */
  languageCode?: string;
}

/** A Telegram user talking to the bot in a private chat. */
export class FakeUser extends SimulatedChat {
  constructor(
    world: TelegramWorld,
    state: ChatState,
    waits: Waits,
    readonly info: User,
  ) {
    super(world, state, waits);
  }

  sendText(text: string, opts: { replyToMessageId?: number } = {}): Promise<Message> {
    return settle(() => this.postText(this.info, text, opts.replyToMessageId));
  }

  /** Presses a reply-keyboard button: Telegram sends its text as a message. */
  async pressKeyboardButton(text: string): Promise<Message> {
    const keyboard = this.replyKeyboard();
    if (keyboard?.flat().some((b) => b.text === text) !== true) {
      throw new Error(`No reply keyboard button ${JSON.stringify(text)} in chat ${this.id}; keyboard: ${JSON.stringify(keyboard ?? null)}`);
    }
    if (this.state.replyKeyboard?.one_time_keyboard === true) this.state.replyKeyboard = undefined;
    return this.sendText(text);
  }

  pressButton(textOrCallbackData: string, opts: PressOptions = {}): Promise<CallbackAnswer> {
    return this.press(this.info, textOrCallbackData, opts);
  }

  sendPhoto(bytes: Buffer, opts: UserPhotoOptions = {}): Promise<Message> {
    return this.postPhoto(this.info, bytes, opts);
  }

  sendDocument(bytes: Buffer, opts: UserDocumentOptions): Promise<Message> {
    return settle(() => this.postDocument(this.info, bytes, opts));
  }

  async sendSticker(opts: { emoji?: string; bytes?: Buffer } = {}): Promise<Message> {
    const bytes = opts.bytes ?? (await sharp({ create: { width: 512, height: 512, channels: 4, background: "#f5c542" } }).webp().toBuffer());
    const file = this.world.files.store("sticker", bytes, { mimeType: "image/webp", width: 512, height: 512 });
    return this.postMessage(this.info, { kind: "sticker", files: [file], entities: [], mediaExtra: { emoji: opts.emoji ?? "👍" } });
  }

  sendVoice(opts: { duration?: number; bytes?: Buffer; caption?: string } = {}): Promise<Message> {
    const file = this.world.files.store("voice", opts.bytes ?? placeholder("OggS"), { mimeType: "audio/ogg" });
    return settle(() =>
      this.postMessage(this.info, { kind: "voice", files: [file], ...this.caption(opts.caption), mediaExtra: { duration: opts.duration ?? 3 } }),
    );
  }

  sendVideo(opts: { duration?: number; width?: number; height?: number; bytes?: Buffer; caption?: string } = {}): Promise<Message> {
    const file = this.world.files.store("video", opts.bytes ?? placeholder("\0\0\0\x18ftypmp42"), {
      mimeType: "video/mp4",
      width: opts.width ?? 640,
      height: opts.height ?? 360,
    });
    return settle(() =>
      this.postMessage(this.info, { kind: "video", files: [file], ...this.caption(opts.caption), mediaExtra: { duration: opts.duration ?? 5 } }),
    );
  }

  /** Sends an edited version of one of this user's messages (an edited_message update). */
  editText(messageId: number, text: string): Promise<Message> {
    return settle(() => this.applyUserEdit(messageId, text));
  }

  private applyUserEdit(messageId: number, text: string): Message {
    const stored = this.state.get(messageId);
    if (stored?.sender !== "user" || stored.kind !== "text") {
      throw new Error(`Message ${messageId} is not a text message of this user in chat ${this.id}`);
    }
    const formatted = addAutoEntities({ text, entities: [] });
    Object.assign(stored, { text: formatted.text, entities: formatted.entities, editDate: this.world.now() });
    const message = toApiMessage(stored, this.state);
    this.world.emitMessage("edit", this.state, stored);
    this.world.pushUpdate({ edited_message: message });
    return message;
  }

  /** Types `@bot query` in any chat: resolves with the bot's answerInlineQuery. */
  sendInlineQuery(query: string, opts: { offset?: string; timeoutMs?: number } = {}): Promise<InlineQueryAnswer> {
    const id = this.world.newQueryId();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<InlineQueryAnswer>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        removeWait();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`The bot did not answer inline query ${JSON.stringify(query)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const removeWait = this.waits.add((reason) => {
        finish();
        reject(reason);
      });
      this.world.inlineQueries.set(id, {
        chatId: this.id,
        messageId: 0,
        answered: false,
        resolve: (answer) => {
          finish();
          resolve(answer);
        },
      });
      this.world.pushUpdate({ inline_query: { id, from: this.info, query, offset: opts.offset ?? "", chat_type: "sender" } });
    });
  }

  /** The user blocks the bot: sends to this chat fail with 403, and the bot gets a my_chat_member update. */
  block(): void {
    if (this.state.blocked) return;
    this.state.blocked = true;
    this.memberUpdate("member", "kicked");
  }

  unblock(): void {
    if (!this.state.blocked) return;
    this.state.blocked = false;
    this.memberUpdate("kicked", "member");
  }

  get blocked(): boolean {
    return this.state.blocked;
  }

  private memberUpdate(from: "member" | "kicked", to: "member" | "kicked"): void {
    const bot = this.world.botUser;
    const member = (status: "member" | "kicked") => (status === "member" ? { status, user: bot } : { status, user: bot, until_date: 0 });
    this.world.pushUpdate({
      my_chat_member: {
        chat: this.state.chat,
        from: this.info,
        date: this.world.now(),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    });
  }
}

/** A group chat (a supergroup by default, like an operators' chat) with the bot as administrator. */
export class FakeGroup extends SimulatedChat {
  sendText(from: FakeUser, text: string, opts: { replyToMessageId?: number } = {}): Promise<Message> {
    return settle(() => this.postText(from.info, text, opts.replyToMessageId));
  }

  sendPhoto(from: FakeUser, bytes: Buffer, opts: UserPhotoOptions = {}): Promise<Message> {
    return this.postPhoto(from.info, bytes, opts);
  }

  sendDocument(from: FakeUser, bytes: Buffer, opts: UserDocumentOptions): Promise<Message> {
    return settle(() => this.postDocument(from.info, bytes, opts));
  }

  pressButton(from: FakeUser, textOrCallbackData: string, opts: PressOptions = {}): Promise<CallbackAnswer> {
    return this.press(from.info, textOrCallbackData, opts);
  }

  /** Makes a user creator/administrator/member/... of the group, as getChatMember will report. */
  setMemberStatus(user: FakeUser, status: MemberStatus): void {
    this.state.members.set(user.id, { user: user.info, status });
  }

  /** `by` adds the bot to the group (or changes its status), and the bot gets a my_chat_member update. */
  setBotStatus(by: FakeUser, status: MemberStatus): void {
    const bot = this.world.botUser;
    const before = this.state.members.get(bot.id)?.status ?? "left";
    if (!this.state.members.has(by.id)) this.state.members.set(by.id, { user: by.info, status: "creator" });
    this.state.members.set(bot.id, { user: bot, status });
    this.world.pushUpdate({
      my_chat_member: {
        chat: this.state.chat,
        from: by.info,
        date: this.world.now(),
        old_chat_member: { status: before, user: bot },
        new_chat_member: { status, user: bot },
      },
    });
  }

  /**
   * Telegram upgrades a basic group to a supergroup (e.g. when someone makes it public or a member
   * an administrator with more rights): a new chat with a new id; the old id refuses every call with
   * `migrate_to_chat_id`. The bot gets the two service messages, as in Telegram.
   */
  /**
   * Telegram upgrades the group: the old chat gets `migrate_to_chat_id`, the new one
   * `migrate_from_chat_id`, in that order unless `newFirst` (a bot may see them either way round).
   */
  upgradeToSupergroup(by: FakeUser, opts: { newFirst?: boolean } = {}): FakeGroup {
    if (this.state.chat.type !== "group") throw new Error(`Chat ${this.id} is not a basic group`);
    const newId = Number(`-100${Math.abs(this.id)}`);
    const next = this.world.addChat({ id: newId, type: "supergroup", title: this.state.chat.title });
    for (const [id, member] of this.state.members) next.members.set(id, { ...member });
    const oldMessage = this.state.add({ sender: "user", from: by.info, date: this.world.now(), kind: "text", files: [], entities: [] });
    const newMessage = next.add({ sender: "user", from: by.info, date: this.world.now(), kind: "text", files: [], entities: [] });
    // Service messages carry no text: only the migration field.
    const service = (stored: StoredMessage, chat: ChatState, field: Record<string, number>): Message => {
      const { text: _text, ...message } = toApiMessage(stored, chat) as Message & { text?: string };
      return { ...message, ...field };
    };
    const toOld = { message: service(oldMessage, this.state, { migrate_to_chat_id: newId }) };
    const toNew = { message: service(newMessage, next, { migrate_from_chat_id: this.id }) };
    this.state.migratedTo = newId;
    for (const update of opts.newFirst === true ? [toNew, toOld] : [toOld, toNew]) this.world.pushUpdate(update);
    return new FakeGroup(this.world, next, this.waits);
  }

  /** Removes the bot from the group (sends then fail with 403) and tells the bot. */
  removeBot(by: FakeUser): void {
    const bot = this.world.botUser;
    this.state.members.set(bot.id, { user: bot, status: "left" });
    this.world.pushUpdate({
      my_chat_member: {
        chat: this.state.chat,
        from: by.info,
        date: this.world.now(),
        old_chat_member: { status: "administrator", user: bot },
        new_chat_member: { status: "left", user: bot },
      },
    });
  }
}

/** Runs `fn` so that a throw becomes a rejected promise, like in an async function. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(fn()));
}

function placeholder(header: string): Buffer {
  return Buffer.concat([Buffer.from(header, "binary"), Buffer.alloc(256)]);
}

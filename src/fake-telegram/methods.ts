import type {
  BotCommand,
  ChatFullInfo,
  ChatMember,
  File,
  InlineKeyboardButton,
  InlineQueryResult,
  InlineQueryResultsButton,
  LinkPreviewOptions,
  Message,
  MessageId,
  ReplyKeyboardMarkup,
  Update,
  User,
} from "grammy/types";
import { badRequest, forbidden, TelegramApiError } from "./errors.js";
import { GET_FILE_LIMIT, type StoredFile, type StoredFileKind } from "./files.js";
import { parseFormatted, type FormattedText } from "./formatting.js";
import { Params } from "./params.js";
import { toApiMessage, type ChatState, type MessageKind, type ReplyMarkup, type StoredMessage } from "./state.js";
import type { TelegramWorld } from "./world.js";

/** Context of one HTTP request: lets long polling notice that the client went away. */
export interface RequestContext {
  onAbort: (cancel: () => void) => void;
}

type Handler = (world: TelegramWorld, params: Params, req: RequestContext) => unknown;

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

// ---------- chats and common parameters ----------

/** The chat a method writes to, with the refusals Telegram gives for blocked users and foreign groups. */
function writableChat(world: TelegramWorld, params: Params, name = "chat_id"): ChatState {
  const chat = world.chats.get(params.chatId((u) => world.chatByUsername(u), name));
  if (chat === undefined) throw badRequest("chat not found");
  if (chat.migratedTo !== undefined) {
    throw new TelegramApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", undefined, chat.migratedTo);
  }
  if (chat.isPrivate) {
    if (chat.blocked) throw forbidden("bot was blocked by the user");
    if (!chat.started) throw forbidden("bot can't initiate conversation with a user");
  } else {
    const status = chat.members.get(world.botInfo.id)?.status;
    if (status === "kicked") throw forbidden(`bot was kicked from the ${chat.chat.type} chat`);
    if (status === undefined || status === "left") throw forbidden(`bot is not a member of the ${chat.chat.type} chat`);
  }
  return chat;
}

function replyTarget(chat: ChatState, params: Params): number | undefined {
  const replyParameters = params.json("reply_parameters") as { message_id?: number; allow_sending_without_reply?: boolean } | undefined;
  const messageId = replyParameters?.message_id ?? params.optionalInt("reply_to_message_id");
  if (messageId === undefined) return undefined;
  if (chat.get(messageId) !== undefined) return messageId;
  if (replyParameters?.allow_sending_without_reply === true || params.bool("allow_sending_without_reply")) return undefined;
  throw badRequest("message to be replied not found");
}

function validateInlineButton(button: unknown): InlineKeyboardButton {
  if (typeof button !== "object" || button === null || typeof (button as { text?: unknown }).text !== "string") {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  const b = button as Record<string, unknown>;
  const actions = ["url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"].filter((k) => b[k] !== undefined);
  if (actions.length === 0) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  if (typeof b.callback_data === "string") {
    const size = Buffer.byteLength(b.callback_data, "utf8");
    if (size < 1 || size > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (typeof b.url === "string") {
    try {
      new URL(b.url);
    } catch {
      throw badRequest(`inline keyboard button URL '${b.url}' is invalid: Wrong HTTP URL`);
    }
  }
  return button as InlineKeyboardButton;
}

function parseReplyMarkup(params: Params): ReplyMarkup | undefined {
  const raw = params.json("reply_markup");
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null) throw badRequest("can't parse reply keyboard markup JSON object");
  const markup = raw as Record<string, unknown>;
  if ("inline_keyboard" in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
      throw badRequest("can't parse inline keyboard: Field \"inline_keyboard\" must be of type Array");
    }
    return { inline_keyboard: (rows as unknown[][]).map((row) => row.map(validateInlineButton)) };
  }
  if ("keyboard" in markup) {
    const rows = markup.keyboard;
    if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) throw badRequest("can't parse reply keyboard markup JSON object");
    // Plain strings are accepted for buttons and mean { text }.
    const keyboard = (rows as unknown[][]).map((row) =>
      row.map((b) => {
        if (typeof b === "string") return { text: b };
        if (typeof b === "object" && b !== null && typeof (b as { text?: unknown }).text === "string") return b as { text: string };
        throw badRequest("can't parse keyboard button: Field \"text\" must be of type String");
      }),
    );
    return { ...(raw as ReplyKeyboardMarkup), keyboard };
  }
  if (markup.remove_keyboard === true) return { remove_keyboard: true, ...(markup.selective === true ? { selective: true } : {}) };
  if (markup.force_reply === true) return raw as ReplyMarkup;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function formattedText(params: Params): FormattedText {
  const raw = params.optionalString("text") ?? "";
  if (raw.trim() === "") throw badRequest("message text is empty");
  const formatted = parseFormatted(raw, params.optionalString("parse_mode"), params.json("entities"));
  if (formatted.text === "") throw badRequest("message text is empty");
  if (formatted.text.length > TEXT_LIMIT) throw badRequest("message is too long");
  return formatted;
}

function formattedCaption(caption: string | undefined, parseMode: string | undefined, entities: unknown): FormattedText {
  if (caption === undefined || caption === "") return { text: "", entities: [] };
  const formatted = parseFormatted(caption, parseMode, entities);
  if (formatted.text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return formatted;
}

function linkPreview(params: Params): LinkPreviewOptions | undefined {
  const options = params.json("link_preview_options") as LinkPreviewOptions | undefined;
  if (options !== undefined) return options;
  return params.bool("disable_web_page_preview") ? { is_disabled: true } : undefined;
}

/** Records a bot message in a chat, keeps the chat's reply keyboard in step, and tells observers. */
function addBotMessage(
  world: TelegramWorld,
  chat: ChatState,
  fields: Omit<StoredMessage, "messageId" | "chatId" | "deleted" | "sender" | "from" | "date">,
): StoredMessage {
  const stored = chat.add({ ...fields, sender: "bot", from: world.botUser, date: world.now() });
  const markup = fields.replyMarkup;
  if (markup !== undefined && "keyboard" in markup) chat.replyKeyboard = markup;
  else if (markup !== undefined && "remove_keyboard" in markup) chat.replyKeyboard = undefined;
  world.emitMessage("message", chat, stored);
  return stored;
}

function commonSendFields(chat: ChatState, params: Params): { replyToMessageId?: number; replyMarkup?: ReplyMarkup } {
  const replyToMessageId = replyTarget(chat, params);
  const replyMarkup = parseReplyMarkup(params);
  return {
    ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
    ...(replyMarkup !== undefined ? { replyMarkup } : {}),
  };
}

// ---------- files ----------

type InputFileRef = { upload: { bytes: Buffer; fileName: string } } | { existing: StoredFile };

async function resolveInputFile(params: Params, value: unknown, field: string): Promise<InputFileRef> {
  const direct = params.files.get(field);
  if (direct !== undefined && (value === undefined || value === "")) return { upload: { bytes: direct.bytes, fileName: direct.fileName } };
  if (typeof value !== "string" || value === "") throw badRequest(`there is no ${field} in the request`);
  if (value.startsWith("attach://")) {
    const part = params.files.get(value.slice("attach://".length));
    if (part === undefined) throw badRequest(`wrong HTTP URL specified`);
    return { upload: { bytes: part.bytes, fileName: part.fileName } };
  }
  if (/^https?:\/\//i.test(value)) {
    try {
      const res = await fetch(value, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(String(res.status));
      const fileName = decodeURIComponent(new URL(value).pathname.split("/").pop() ?? "") || `${field}`;
      return { upload: { bytes: Buffer.from(await res.arrayBuffer()), fileName } };
    } catch {
      throw badRequest("failed to get HTTP URL content");
    }
  }
  return { existing: { fileId: value } as StoredFile };
}

async function photoFiles(world: TelegramWorld, params: Params, value: unknown, field: string): Promise<StoredFile[]> {
  const ref = await resolveInputFile(params, value, field);
  if ("upload" in ref) return world.files.storePhoto(ref.upload.bytes);
  const set = world.files.photoSet(ref.existing.fileId);
  if (set !== undefined) return set;
  if (world.files.get(ref.existing.fileId) !== undefined) throw badRequest("type of file mismatch");
  throw badRequest("wrong file identifier/HTTP URL specified");
}

async function singleFile(world: TelegramWorld, params: Params, value: unknown, field: string, kind: StoredFileKind): Promise<StoredFile> {
  const ref = await resolveInputFile(params, value, field);
  if ("upload" in ref) {
    if (ref.upload.bytes.length === 0) throw badRequest("file must be non-empty");
    return world.files.store(kind, ref.upload.bytes, { fileName: ref.upload.fileName });
  }
  const file = world.files.get(ref.existing.fileId);
  if (file === undefined) throw badRequest("wrong file identifier/HTTP URL specified");
  if ((file.kind === "photo") !== (kind === "photo")) throw badRequest("type of file mismatch");
  return file;
}

function mediaMessage(world: TelegramWorld, chat: ChatState, params: Params, kind: MessageKind, files: StoredFile[], extra: { mediaGroupId?: string } = {}): Message {
  const caption = formattedCaption(params.optionalString("caption"), params.optionalString("parse_mode"), params.json("caption_entities"));
  const parseMode = params.optionalString("parse_mode");
  const stored = addBotMessage(world, chat, {
    kind,
    files,
    text: caption.text,
    entities: caption.entities,
    ...(parseMode !== undefined ? { parseMode } : {}),
    ...commonSendFields(chat, params),
    ...(params.bool("show_caption_above_media") ? { showCaptionAboveMedia: true } : {}),
    ...(params.bool("has_spoiler") ? { hasSpoiler: true } : {}),
    ...extra,
  });
  return toApiMessage(stored, chat);
}

// ---------- editing ----------

function editableMessage(world: TelegramWorld, params: Params): { chat: ChatState; message: StoredMessage } {
  if (params.has("inline_message_id")) throw badRequest("MESSAGE_ID_INVALID");
  const chat = writableChat(world, params);
  const messageId = params.int("message_id", "message identifier is not specified");
  const message = chat.get(messageId);
  if (message === undefined) throw badRequest("message to edit not found");
  if (message.sender !== "bot") throw badRequest("message can't be edited");
  return { chat, message };
}

function editMarkup(params: Params): ReplyMarkup | undefined {
  const markup = parseReplyMarkup(params);
  if (markup !== undefined && !("inline_keyboard" in markup)) throw badRequest("inline keyboard expected");
  return markup;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function applyEdit(world: TelegramWorld, chat: ChatState, message: StoredMessage, next: Partial<StoredMessage>): Message {
  const unchanged =
    (next.text === undefined || next.text === message.text) &&
    (next.entities === undefined || sameJson(next.entities, message.entities)) &&
    sameJson(next.replyMarkup, message.replyMarkup);
  if (unchanged) throw badRequest(NOT_MODIFIED);
  // A missing reply_markup removes the inline keyboard, as in Telegram.
  if (next.replyMarkup === undefined) delete message.replyMarkup;
  Object.assign(message, next, { editDate: world.now() });
  if (next.parseMode === undefined && next.text !== undefined) delete message.parseMode;
  world.emitMessage("edit", chat, message);
  return toApiMessage(message, chat);
}

// ---------- members ----------

function memberOf(world: TelegramWorld, chat: ChatState, userId: number): ChatMember {
  const user: User | undefined = userId === world.botInfo.id ? world.botUser : world.users.get(userId);
  if (user === undefined) throw badRequest("user not found");
  if (chat.isPrivate) return { status: "member", user };
  const status = chat.members.get(userId)?.status ?? "left";
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
        can_pin_messages: true, can_send_welcome_messages: false,
      };
    case "restricted":
      return {
        status, user, is_member: true, can_send_messages: false, can_send_audios: false, can_send_documents: false,
        can_send_photos: false, can_send_videos: false, can_send_video_notes: false, can_send_voice_notes: false,
        can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false, can_react_to_messages: false,
        can_change_info: false, can_invite_users: false, can_edit_tag: false, can_pin_messages: false, can_manage_topics: false, until_date: 0,
      };
    case "kicked":
      return { status, user, until_date: 0 };
    case "member":
    case "left":
      return { status, user };
  }
}

function settingKey(kind: string, params: Params): string {
  const scope = params.json("scope") ?? { type: "default" };
  return `${kind}:${JSON.stringify(scope)}:${params.optionalString("language_code") ?? ""}`;
}

// ---------- the methods ----------

const methods: Record<string, Handler> = {
  getMe: (world) => world.botInfo,

  getUpdates: (world, params, req): Promise<Update[]> => world.updates.getUpdates(params, req.onAbort),

  setWebhook: (world, params) => {
    world.updates.setWebhook(params);
    return true;
  },

  deleteWebhook: (world, params) => {
    world.updates.deleteWebhook(params.bool("drop_pending_updates"));
    return true;
  },

  getWebhookInfo: (world) => world.updates.webhookInfo(),

  sendMessage: (world, params) => {
    const chat = writableChat(world, params);
    const formatted = formattedText(params);
    const parseMode = params.optionalString("parse_mode");
    const preview = linkPreview(params);
    const stored = addBotMessage(world, chat, {
      kind: "text",
      files: [],
      text: formatted.text,
      entities: formatted.entities,
      ...(parseMode !== undefined ? { parseMode } : {}),
      ...(preview !== undefined ? { linkPreviewOptions: preview } : {}),
      ...commonSendFields(chat, params),
    });
    return toApiMessage(stored, chat);
  },

  sendPhoto: async (world, params) => {
    const chat = writableChat(world, params);
    const files = await photoFiles(world, params, params.values.photo, "photo");
    return mediaMessage(world, chat, params, "photo", files);
  },

  sendDocument: async (world, params) => {
    const chat = writableChat(world, params);
    const file = await singleFile(world, params, params.values.document, "document", "document");
    return mediaMessage(world, chat, params, "document", [file]);
  },

  sendMediaGroup: async (world, params) => {
    const chat = writableChat(world, params);
    const media = params.json("media");
    if (!Array.isArray(media)) throw badRequest("media is empty");
    if (media.length < 2 || media.length > 10) throw badRequest("media group must include 2-10 items");
    const items = media as Record<string, unknown>[];
    const types = new Set(items.map((m) => m.type));
    if (types.has("document") && types.size > 1) throw badRequest("document can't be mixed with other media types");
    if (types.has("audio") && types.size > 1) throw badRequest("audio can't be mixed with other media types");
    const resolved: { kind: MessageKind; files: StoredFile[]; item: Record<string, unknown> }[] = [];
    for (const item of items) {
      switch (item.type) {
        case "photo":
          resolved.push({ kind: "photo", files: await photoFiles(world, params, item.media, "photo"), item });
          break;
        case "document":
          resolved.push({ kind: "document", files: [await singleFile(world, params, item.media, "document", "document")], item });
          break;
        case "video":
          resolved.push({ kind: "video", files: [await singleFile(world, params, item.media, "video", "video")], item });
          break;
        default:
          throw badRequest(`unsupported media type "${String(item.type)}" in the media group`);
      }
    }
    const common = commonSendFields(chat, params);
    const mediaGroupId = world.newMediaGroupId();
    return resolved.map(({ kind, files, item }) => {
      const caption = formattedCaption(
        typeof item.caption === "string" ? item.caption : undefined,
        typeof item.parse_mode === "string" ? item.parse_mode : undefined,
        item.caption_entities,
      );
      const stored = addBotMessage(world, chat, {
        kind,
        files,
        text: caption.text,
        entities: caption.entities,
        mediaGroupId,
        ...(typeof item.parse_mode === "string" ? { parseMode: item.parse_mode } : {}),
        ...(common.replyToMessageId !== undefined ? { replyToMessageId: common.replyToMessageId } : {}),
        ...(item.has_spoiler === true ? { hasSpoiler: true } : {}),
      });
      return toApiMessage(stored, chat);
    });
  },

  copyMessage: (world, params): MessageId => {
    const chat = writableChat(world, params);
    const from = world.chats.get(params.chatId((u) => world.chatByUsername(u), "from_chat_id"));
    const source = from?.get(params.int("message_id", "message identifier is not specified"));
    if (from === undefined || source === undefined) throw badRequest("message to copy not found");
    const parseMode = params.optionalString("parse_mode");
    const caption = params.has("caption")
      ? formattedCaption(params.optionalString("caption"), parseMode, params.json("caption_entities"))
      : { text: source.text ?? "", entities: source.entities };
    const stored = addBotMessage(world, chat, {
      kind: source.kind,
      files: source.files,
      text: source.kind === "text" ? (source.text ?? "") : caption.text,
      entities: source.kind === "text" ? source.entities : caption.entities,
      ...(source.mediaExtra !== undefined ? { mediaExtra: source.mediaExtra } : {}),
      ...(parseMode !== undefined ? { parseMode } : {}),
      ...commonSendFields(chat, params),
    });
    return { message_id: stored.messageId };
  },

  forwardMessage: (world, params) => {
    const chat = writableChat(world, params);
    const from = world.chats.get(params.chatId((u) => world.chatByUsername(u), "from_chat_id"));
    const source = from?.get(params.int("message_id", "message identifier is not specified"));
    if (from === undefined || source === undefined) throw badRequest("message to forward not found");
    const stored = addBotMessage(world, chat, {
      kind: source.kind,
      files: source.files,
      entities: source.entities,
      ...(source.text !== undefined ? { text: source.text } : {}),
      ...(source.mediaExtra !== undefined ? { mediaExtra: source.mediaExtra } : {}),
      forwardOrigin: { type: "user", sender_user: source.from, date: source.date },
    });
    return toApiMessage(stored, chat);
  },

  editMessageText: (world, params) => {
    const { chat, message } = editableMessage(world, params);
    if (message.kind !== "text") throw badRequest("there is no text in the message to edit");
    const formatted = formattedText(params);
    const parseMode = params.optionalString("parse_mode");
    const preview = linkPreview(params);
    return applyEdit(world, chat, message, {
      text: formatted.text,
      entities: formatted.entities,
      replyMarkup: editMarkup(params),
      ...(parseMode !== undefined ? { parseMode } : {}),
      ...(preview !== undefined ? { linkPreviewOptions: preview } : {}),
    });
  },

  editMessageCaption: (world, params) => {
    const { chat, message } = editableMessage(world, params);
    if (message.kind === "text") throw badRequest("there is no caption in the message to edit");
    const parseMode = params.optionalString("parse_mode");
    const caption = formattedCaption(params.optionalString("caption"), parseMode, params.json("caption_entities"));
    return applyEdit(world, chat, message, {
      text: caption.text,
      entities: caption.entities,
      replyMarkup: editMarkup(params),
      ...(parseMode !== undefined ? { parseMode } : {}),
    });
  },

  editMessageReplyMarkup: (world, params) => {
    const { chat, message } = editableMessage(world, params);
    return applyEdit(world, chat, message, { replyMarkup: editMarkup(params) });
  },

  deleteMessage: (world, params) => {
    const chat = writableChat(world, params);
    const messageId = params.int("message_id", "message identifier is not specified");
    const message = chat.get(messageId);
    if (message === undefined) throw badRequest("message to delete not found");
    message.deleted = true;
    world.emit({ type: "delete", chatId: chat.id, messageId });
    return true;
  },

  deleteMessages: (world, params) => {
    const chat = writableChat(world, params);
    const ids = params.json("message_ids");
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) throw badRequest("message_ids is empty");
    for (const id of ids) {
      const message = typeof id === "number" ? chat.get(id) : undefined;
      if (message === undefined) continue;
      message.deleted = true;
      world.emit({ type: "delete", chatId: chat.id, messageId: message.messageId });
    }
    return true;
  },

  answerCallbackQuery: (world, params) => {
    const id = params.string("callback_query_id", "query is too old and response timeout expired or query ID is invalid");
    const query = world.callbackQueries.get(id);
    if (query === undefined || query.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    const text = params.optionalString("text");
    if (text !== undefined && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    query.answered = true;
    const url = params.optionalString("url");
    const cacheTime = params.optionalInt("cache_time");
    const answer = {
      showAlert: params.bool("show_alert"),
      ...(text !== undefined && text !== "" ? { text } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(cacheTime !== undefined ? { cacheTime } : {}),
    };
    world.emit({ type: "callback_answer", chatId: query.chatId, messageId: query.messageId, answer });
    query.resolve(answer);
    return true;
  },

  answerInlineQuery: (world, params) => {
    const id = params.string("inline_query_id", "query is too old and response timeout expired or query ID is invalid");
    const query = world.inlineQueries.get(id);
    if (query === undefined || query.answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    const results = params.json("results");
    if (!Array.isArray(results)) throw badRequest("results is empty");
    if (results.length > 50) throw badRequest("RESULTS_TOO_MUCH");
    query.answered = true;
    const cacheTime = params.optionalInt("cache_time");
    const nextOffset = params.optionalString("next_offset");
    const button = params.json("button");
    query.resolve({
      results: results as InlineQueryResult[],
      isPersonal: params.bool("is_personal"),
      ...(cacheTime !== undefined ? { cacheTime } : {}),
      ...(nextOffset !== undefined ? { nextOffset } : {}),
      ...(button !== undefined ? { button: button as InlineQueryResultsButton } : {}),
    });
    return true;
  },

  getFile: (world, params): File => {
    const file = world.files.get(params.string("file_id", "file_id is empty"));
    if (file === undefined) throw badRequest("wrong file_id or the file is temporarily unavailable");
    if (file.bytes.length > GET_FILE_LIMIT) throw badRequest("file is too big");
    return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath };
  },

  sendChatAction: (world, params) => {
    const chat = writableChat(world, params);
    const action = params.string("action", "wrong parameter action in request");
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    world.emit({ type: "chat_action", chatId: chat.id, action });
    return true;
  },

  setMyCommands: (world, params) => {
    const scope = params.json("scope") as { type?: string; chat_id?: number | string } | undefined;
    if (scope?.chat_id !== undefined && world.chats.get(Number(scope.chat_id)) === undefined) throw badRequest("chat not found");
    const commands = params.json("commands");
    if (!Array.isArray(commands) || commands.length > 100) throw badRequest("commands is empty");
    for (const c of commands as Partial<BotCommand>[]) {
      if (typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
    }
    world.settings.set(settingKey("commands", params), commands);
    return true;
  },

  getMyCommands: (world, params) => world.settings.get(settingKey("commands", params)) ?? [],

  deleteMyCommands: (world, params) => {
    world.settings.delete(settingKey("commands", params));
    return true;
  },

  setMyDescription: (world, params) => {
    const description = params.optionalString("description") ?? "";
    if (description.length > 512) throw badRequest("description is too long");
    world.settings.set(`description:${params.optionalString("language_code") ?? ""}`, description);
    return true;
  },

  getMyDescription: (world, params) => ({
    description: world.settings.get(`description:${params.optionalString("language_code") ?? ""}`) ?? "",
  }),

  setMyShortDescription: (world, params) => {
    const shortDescription = params.optionalString("short_description") ?? "";
    if (shortDescription.length > 120) throw badRequest("short description is too long");
    world.settings.set(`short_description:${params.optionalString("language_code") ?? ""}`, shortDescription);
    return true;
  },

  getMyShortDescription: (world, params) => ({
    short_description: world.settings.get(`short_description:${params.optionalString("language_code") ?? ""}`) ?? "",
  }),

  setChatMenuButton: (world, params) => {
    world.settings.set(`menu_button:${params.optionalString("chat_id") ?? ""}`, params.json("menu_button") ?? { type: "default" });
    return true;
  },

  getChatMenuButton: (world, params) =>
    world.settings.get(`menu_button:${params.optionalString("chat_id") ?? ""}`) ?? { type: "commands" },

  getChat: (world, params): ChatFullInfo => {
    const chat = world.chats.get(params.chatId((u) => world.chatByUsername(u)));
    if (chat === undefined) throw badRequest("chat not found");
    const common = {
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    };
    return { ...chat.chat, ...common };
  },

  getChatMember: (world, params): ChatMember => {
    const chat = world.chats.get(params.chatId((u) => world.chatByUsername(u)));
    if (chat === undefined) throw badRequest("chat not found");
    if (chat.migratedTo !== undefined) {
      throw new TelegramApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", undefined, chat.migratedTo);
    }
    return memberOf(world, chat, params.int("user_id", "user not found"));
  },

  getChatAdministrators: (world, params): ChatMember[] => {
    const chat = world.chats.get(params.chatId((u) => world.chatByUsername(u)));
    if (chat === undefined) throw badRequest("chat not found");
    if (chat.isPrivate) throw badRequest("there are no administrators in the private chat");
    return [...chat.members.entries()]
      .filter(([, m]) => m.status === "creator" || m.status === "administrator")
      .map(([id]) => memberOf(world, chat, id));
  },
};

const methodsByLowerName = new Map(Object.entries(methods).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));

/** The canonical name of a Bot API method (Telegram matches names case-insensitively), or undefined. */
export function methodName(name: string): string | undefined {
  return methodsByLowerName.get(name.toLowerCase())?.name;
}

/** Runs one Bot API method; throws TelegramApiError for the answers Telegram gives as errors. */
export async function callMethod(world: TelegramWorld, name: string, params: Params, req: RequestContext): Promise<unknown> {
  const entry = methodsByLowerName.get(name.toLowerCase());
  if (entry === undefined) throw new TelegramApiError(404, "Not Found");
  return await entry.handler(world, params, req);
}

export { Params };

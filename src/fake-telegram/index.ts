// A faithful local stand-in for the Telegram Bot API, shared by the tests and the browser playground.
//
//   const telegram = await startFakeTelegram();
//   const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, client: { apiRoot: telegram.apiRoot } });
//   const ann = telegram.user({ languageCode: "ru" });
//   await ann.sendText("/start");
//   const reply = await ann.waitForMessage();
//
// Stop the bot before `telegram.close()`, or its polling loop will log connection errors.
export { FakeTelegram, startFakeTelegram, type FakeFile, type FakeGroupOptions, type FakeTelegramOptions } from "./fake-telegram.js";
export {
  FakeGroup,
  FakeUser,
  type FakeUserOptions,
  type MessageMatcher,
  type PressOptions,
  type UserDocumentOptions,
  type UserPhotoOptions,
  type WaitOptions,
} from "./simulated.js";
export type { FakeMessage, MemberStatus, MessageKind, ReplyMarkup } from "./state.js";
export type { ApiCall, CallbackAnswer, FailureSpec, FakeEvent, InlineQueryAnswer, StormSpec } from "./world.js";
export { TelegramApiError } from "./errors.js";
export type { RateLimits } from "./limits.js";
export { parseHtml, parseMarkdownV2 } from "./formatting.js";

import { Bot, type Context } from "grammy";
import sharp from "sharp";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";

/** A fake Telegram and a real grammY bot pointed at it; `stop` closes both. */
export interface Harness {
  fake: FakeTelegram;
  bot: Bot;
  /** Starts long polling (after handlers are registered). */
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const fake = await startFakeTelegram();
  const bot = new Bot<Context>(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } });
  let polling: Promise<void> | undefined;
  return {
    fake,
    bot,
    start: () =>
      new Promise<void>((resolve, reject) => {
        polling = bot.start({ timeout: 10, onStart: () => resolve() });
        polling.catch(reject);
      }),
    stop: async () => {
      if (bot.isRunning()) await bot.stop();
      await polling?.catch(() => undefined);
      await fake.close();
    },
  };
}

/** A real PNG with recognisable content. */
export function png(width: number, height: number, colour = "#3366cc"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

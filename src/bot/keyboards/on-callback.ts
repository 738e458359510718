// Handlers for codec-defined buttons (src/messages/callbacks.ts): the handler runs only with
// valid, typed fields; anything else carrying the button's prefix is answered as out of date.
import type { Composer, Context } from "grammy";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Callback, Field } from "../../messages/callbacks.js";
import { answerPress } from "../views/screen.js";

type Values<F extends readonly Field<unknown>[]> = NonNullable<ReturnType<Callback<F>["decode"]>>;

/** The polite answer to a forged, malformed or outdated button, in the presser's language. */
export function answerOutdated(ctx: Context & I18nFlavor): Promise<void> {
  return answerPress(ctx, ctx.t("stale-button"));
}

export function onCallback<C extends Context & I18nFlavor, F extends readonly Field<unknown>[]>(
  composer: Composer<C>,
  button: Callback<F>,
  handler: (ctx: C, values: Values<F>) => unknown,
): void {
  composer.callbackQuery(button.claims, async (ctx) => {
    const values = button.decode(ctx.callbackQuery.data);
    if (!values) return answerOutdated(ctx);
    await handler(ctx, values);
  });
}

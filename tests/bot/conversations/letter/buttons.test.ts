import { describe, expect, it } from "vitest";
import { actionData, kindKeyboard, readButton, summaryKeyboard, typedKeyboard } from "../../../../src/bot/conversations/letter/buttons.js";
import { tr } from "./i18n.js";

const scope = "0a1b2c3d";
const rows = (keyboard: { inline_keyboard: { text: string; callback_data?: string }[][] }) =>
  keyboard.inline_keyboard.map((row) => row.map((b) => [b.text, b.callback_data]));

describe("the letter's buttons", () => {
  it("reads back this letter's actions and tells foreign and earlier letters' buttons apart", () => {
    expect(readButton(actionData(scope, "send"), scope)).toBe("send");
    expect(readButton(actionData("ffffffff", "send"), scope)).toBe("old");
    expect(readButton(`ltr:${scope}:launch`, scope)).toBe("old");
    expect(readButton("menu:write", scope)).toBe("foreign");
    expect(readButton(undefined, scope)).toBe("foreign");
    expect(actionData(scope, "quit").length).toBeLessThanOrEqual(64);
  });

  it("offers typed or handwritten, with Cancel that leaves at once", () => {
    expect(rows(kindKeyboard(tr("en"), scope))).toEqual([
      [["⌨️ Type it here", `ltr:${scope}:typed`]],
      [["📷 Photos of a handwritten letter", `ltr:${scope}:hand`]],
      [["✖️ Cancel", expect.not.stringContaining("ltr:")]],
    ]);
  });

  it("puts Cancel that asks first under a draft, and Send first on the summary", () => {
    expect(rows(typedKeyboard(tr("ru"), scope)).at(-1)).toEqual([["✖️ Отменить", `ltr:${scope}:quit`]]);
    expect(rows(summaryKeyboard(tr("en"), scope))).toEqual([
      [["📨 Send", `ltr:${scope}:send`]],
      [
        ["✏️ Edit", `ltr:${scope}:edit`],
        ["✖️ Cancel", `ltr:${scope}:quit`],
      ],
    ]);
  });
});

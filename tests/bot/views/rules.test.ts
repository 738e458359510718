import { describe, expect, it } from "vitest";
import { decodeContinuation, encodeContinuation, type RulesContinuation } from "../../../src/bot/views/rules.js";

describe("rules continuation", () => {
  it.each<RulesContinuation>([
    { kind: "menu" },
    { kind: "assignment" },
    { kind: "letter", prisonerId: 12 },
    { kind: "letter", prisonerId: 12, assignmentId: 3456789 },
    { kind: "letter", specificRequestId: 7 },
  ])("round-trips %j within callback data limits", (after) => {
    const code = encodeContinuation(after);
    expect(`rules:ok:${code}`.length).toBeLessThanOrEqual(64);
    expect(decodeContinuation(code)).toEqual(after);
  });

  it("refuses garbage", () => {
    expect(decodeContinuation("p")).toBeUndefined();
    expect(decodeContinuation("x12")).toBeUndefined();
  });
});

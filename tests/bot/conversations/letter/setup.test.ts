import { describe, expect, it } from "vitest";
import { opening } from "../../../../src/bot/conversations/letter/setup.js";
import type { Setup } from "../../../../src/bot/conversations/letter/types.js";

const target = { available: true, prisonerId: 7, specificRequestId: null, nameRu: "Пётр Примеров", nameEn: "Pyotr Primerov", facility: "" };
const setup: Setup = { writerId: 1, nonce: "ab".repeat(12), signatureName: null, writerLanguage: "ru", mustAcceptRules: false, target, resubmit: null };
const resubmit = { letterId: 4, code: "L-AB12", kind: "typed" as const, text: "old", reason: null, signatureName: "Аня", pages: [], oldPaths: [] };

describe("whether a letter may start", () => {
  it("opens for an available target", () => {
    expect(opening(setup, { prisonerId: 7 })).toEqual({ open: true, setup, args: { prisonerId: 7 }, target });
  });

  it("refuses without a writer or arguments, and for a person who can no longer receive letters", () => {
    expect(opening(null, { prisonerId: 7 })).toEqual({ open: false, refusal: "letter-unavailable" });
    expect(opening(setup, undefined)).toEqual({ open: false, refusal: "letter-unavailable" });
    expect(opening({ ...setup, target: null }, { prisonerId: 7 })).toEqual({ open: false, refusal: "letter-unavailable" });
    const used = { ...target, available: false, reason: "used" as const };
    expect(opening({ ...setup, target: used }, { specificRequestId: 2 })).toEqual({ open: false, refusal: "letter-request-used" });
  });

  it("sends a first-time writer to the rules, but never a writer fixing a sent letter", () => {
    expect(opening({ ...setup, mustAcceptRules: true }, { specificRequestId: 2 })).toEqual({ open: false, rules: { specificRequestId: 2 } });
    const fixing = { ...setup, mustAcceptRules: true, resubmit };
    expect(opening(fixing, { resubmitLetterId: 4 })).toMatchObject({ open: true });
  });

  it("refuses a resubmission that is not this writer's or no longer waits for changes", () => {
    expect(opening(setup, { resubmitLetterId: 4 })).toEqual({ open: false, refusal: "letter-resubmit-unavailable" });
  });
});

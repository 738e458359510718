import { describe, expect, it } from "vitest";
import { precheckReport } from "../../../../src/bot/conversations/letter/precheck.js";
import { summaryText } from "../../../../src/bot/conversations/letter/review.js";
import { signatureProblemKey } from "../../../../src/bot/conversations/letter/signature.js";
import { letterContent } from "../../../../src/bot/conversations/letter/submit.js";
import { newDraft, type Draft, type Setup } from "../../../../src/bot/conversations/letter/types.js";
import { sanitizeSignature } from "../../../../src/domain/letter.js";
import { tr } from "./i18n.js";

const setup: Setup = { writerId: 1, nonce: "ab".repeat(12), signatureName: "Friend", writerLanguage: "en", mustAcceptRules: false, target: null, resubmit: null };
const typed = (text: string, extra: Partial<Draft> = {}): Draft => ({ ...newDraft("typed", setup), parts: [{ messageId: 5, text }], ...extra });

describe("a new draft", () => {
  it("starts empty with the writer's signature, or from the letter sent back for changes", () => {
    expect(newDraft("typed", setup)).toEqual({ kind: "typed", parts: [], pages: [], accepted: [], signature: "Friend", albumStatus: undefined });
    const page = { key: "drafts/1/x.jpg", sha256: "x", width: 10, height: 20 };
    const resubmit = { letterId: 4, code: "L-AB12", kind: "handwritten" as const, text: null, reason: null, signatureName: "Аня", pages: [page], oldPaths: [] };
    const fixing = newDraft("handwritten", { ...setup, resubmit });
    expect(fixing).toMatchObject({ parts: [], pages: [page], signature: "Аня" });
    expect(fixing.pages).not.toBe(resubmit.pages);
    expect(newDraft("typed", { ...setup, resubmit: { ...resubmit, kind: "typed", text: "Old text" } }).parts).toEqual([{ messageId: 0, text: "Old text" }]);
  });
});

describe("the summary", () => {
  it("tells a typed letter's length, pages, signature and the warnings sent anyway", () => {
    const draft = typed("x".repeat(3000), { accepted: [{ code: "war", matches: ["война"] }] });
    const text = summaryText(tr("en"), draft, "Pyotr Primerov, IK-28");
    expect(text).toContain("To: Pyotr Primerov, IK-28");
    expect(text).toContain("Typed letter: 3,000 characters (about 2 printed pages)");
    expect(text).toContain("Signed: Friend");
    expect(text).toContain("Sent despite the check's warnings about: the war");
  });

  it("counts a handwritten letter's pages, in Russian too, without a pre-check line", () => {
    const page = { key: "k", sha256: "s", width: 1, height: 1 };
    const draft = { ...newDraft("handwritten", setup), pages: [page, { ...page, sha256: "t" }] };
    const text = summaryText(tr("ru"), draft, "Пётр Примеров");
    expect(text).toContain("Пётр Примеров");
    expect(text).toMatch(/2 страницы/);
    expect(text).not.toContain(tr("ru")("letter-summary-no-warnings"));
  });
});

describe("the pre-check report", () => {
  it("has the intro and one paragraph per warning with its quotes", () => {
    const report = precheckReport(tr("en"), "en", [{ code: "war", matches: ["войне"] }]);
    const [intro, war] = report.split("\n\n");
    expect(intro).toBe(tr("en")("precheck-intro"));
    expect(war).toMatch(/^⚠️ The war and the army: .*войне/);
  });
});

describe("the signature's problems", () => {
  it("answers a long name and an empty one differently", () => {
    const long = sanitizeSignature("x".repeat(41));
    const empty = sanitizeSignature("  ");
    expect(long.ok || signatureProblemKey(long.reason)).toBe("letter-signature-too-long");
    expect(empty.ok || signatureProblemKey(empty.reason)).toBe("letter-signature-empty");
  });
});

describe("what Send stores", () => {
  it("a typed letter: its text, its language, the accepted warnings", () => {
    const content = letterContent(typed("Привет! Как ты там? Пишу тебе из Москвы, у нас снег.", { accepted: [{ code: "war", matches: ["a"] }] }), "en");
    expect(content).toMatchObject({ language: "ru", needsTranslation: false, signatureName: "Friend", pages: [] });
    expect(content.text).toContain("Пишу тебе из Москвы");
    expect(content.precheckWarnings).toEqual([{ code: "war" }]);
  });

  it("a handwritten letter: no text, the writer's language, pages without their draft keys", () => {
    const page = { key: "drafts/1/s.jpg", sha256: "s", width: 3, height: 4 };
    const content = letterContent({ ...newDraft("handwritten", setup), pages: [page] }, "en");
    expect(content).toMatchObject({ text: null, language: "en", needsTranslation: true, pages: [{ sha256: "s", width: 3, height: 4 }] });
  });
});

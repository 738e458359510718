// The pages of a handwritten letter while it is a draft: files under drafts/<writerId>/, named by
// content, moved to the letter's own keys on Send. JSON-safe records only (they live in replay logs).
import type { FileStorage } from "./index.js";
import { draftPageKey } from "./keys.js";

/** A processed page kept as a draft file; what the letter conversation remembers of it. */
export interface DraftPage {
  key: string;
  sha256: string;
  width: number;
  height: number;
}

interface PageImage {
  data: Uint8Array;
  sha256: string;
  width: number;
  height: number;
}

export async function saveDraftPage(storage: FileStorage, writerId: number, page: PageImage): Promise<DraftPage> {
  const key = draftPageKey(writerId, page.sha256);
  await storage.put(key, page.data);
  return { key, sha256: page.sha256, width: page.width, height: page.height };
}

interface StoredPage {
  storagePath: string;
  sha256: string;
  width: number;
  height: number;
}

/**
 * Copies a sent letter's pages into the writer's draft (copies: the letter keeps its files until
 * the new ones replace them). A page missing from storage is skipped and reported.
 */
export async function copyPagesToDraft(
  storage: FileStorage,
  writerId: number,
  pages: readonly StoredPage[],
  onMissing: () => void,
): Promise<DraftPage[]> {
  const copied: DraftPage[] = [];
  for (const page of pages) {
    const bytes = await storage.get(page.storagePath);
    if (!bytes) {
      onMissing();
      continue;
    }
    copied.push(await saveDraftPage(storage, writerId, { data: bytes, sha256: page.sha256, width: page.width, height: page.height }));
  }
  return copied;
}

/** Moves draft page i to the letter's key i. Idempotent: a replay after a crash finds them moved. */
export async function moveDraftPages(storage: FileStorage, pages: readonly DraftPage[], targets: readonly { storagePath: string }[]): Promise<void> {
  for (const [i, page] of pages.entries()) {
    const storagePath = targets[i]?.storagePath;
    if (storagePath) await storage.move(page.key, storagePath);
  }
}

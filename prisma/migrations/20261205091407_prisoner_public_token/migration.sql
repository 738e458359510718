-- Shared-link tokens: the default is volatile, so every existing row gets its own random value.
-- English case summaries become optional (a Russian-only list imports; the card marks the Russian text).
-- AlterTable
ALTER TABLE "prisoners" ADD COLUMN     "public_token" TEXT NOT NULL DEFAULT replace((gen_random_uuid())::text, '-'::text, ''::text),
ALTER COLUMN "case_summary_en" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "prisoners_public_token_key" ON "prisoners"("public_token");

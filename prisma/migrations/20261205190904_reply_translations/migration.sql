-- AlterTable
ALTER TABLE "replies" ADD COLUMN     "accepted_message_id" INTEGER,
ADD COLUMN     "held_for_translation_at" TIMESTAMP(3),
ADD COLUMN     "needs_translation" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "translated_at" TIMESTAMP(3),
ADD COLUMN     "translated_by" INTEGER,
ADD COLUMN     "translation_ask_message_id" INTEGER,
ADD COLUMN     "translation_delivered_at" TIMESTAMP(3),
ADD COLUMN     "translation_requested_at" TIMESTAMP(3),
ADD COLUMN     "translation_text" TEXT;

-- CreateIndex
CREATE INDEX "replies_accepted_message_id_idx" ON "replies"("accepted_message_id");

-- CreateIndex
CREATE INDEX "replies_translation_ask_message_id_idx" ON "replies"("translation_ask_message_id");

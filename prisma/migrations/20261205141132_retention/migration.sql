-- AlterTable
ALTER TABLE "letters" ADD COLUMN     "content_deleted_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "replies" ADD COLUMN     "scans_deleted_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "letters_status_content_deleted_at_idx" ON "letters"("status", "content_deleted_at");

-- CreateIndex
CREATE INDEX "replies_scans_deleted_at_delivered_at_idx" ON "replies"("scans_deleted_at", "delivered_at");

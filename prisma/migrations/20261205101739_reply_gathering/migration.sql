-- AlterTable
ALTER TABLE "replies" ADD COLUMN     "closed_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "reply_pages" ADD COLUMN     "source_message_id" INTEGER;

-- Replies stored before this change were each queued for delivery on their own: none takes more scans.
UPDATE "replies" SET "closed_at" = "received_at";

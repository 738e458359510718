-- Reminders (issue 12): opt-in settings per writer and the reminders already sent (one row each, never twice).
-- Both go with the writer (ON DELETE CASCADE), so deleting one's data deletes them too.

-- CreateTable
CREATE TABLE "reminder_settings" (
    "writer_id" INTEGER NOT NULL,
    "utc_offset_minutes" SMALLINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminder_settings_pkey" PRIMARY KEY ("writer_id")
);

-- CreateTable
CREATE TABLE "reminders_sent" (
    "id" SERIAL NOT NULL,
    "writer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "subject_id" INTEGER NOT NULL,
    "occasion" TEXT NOT NULL,
    "sent_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminders_sent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reminders_sent_writer_id_sent_at_idx" ON "reminders_sent"("writer_id", "sent_at");

-- CreateIndex
CREATE UNIQUE INDEX "reminders_sent_writer_id_kind_subject_id_occasion_key" ON "reminders_sent"("writer_id", "kind", "subject_id", "occasion");

-- AddForeignKey
ALTER TABLE "reminder_settings" ADD CONSTRAINT "reminder_settings_writer_id_fkey" FOREIGN KEY ("writer_id") REFERENCES "writers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminders_sent" ADD CONSTRAINT "reminders_sent_writer_id_fkey" FOREIGN KEY ("writer_id") REFERENCES "writers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

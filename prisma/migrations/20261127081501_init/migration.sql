-- Trigram search on prisoners.search_name (typo-tolerant name search). Not declared in
-- schema.prisma: Prisma ignores extensions unless the postgresqlExtensions preview is on.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('ru', 'en');

-- CreateEnum
CREATE TYPE "CannotReceiveReason" AS ENUM ('no_address', 'identity_protected', 'asked_privacy', 'released', 'other');

-- CreateEnum
CREATE TYPE "AssignmentStatus" AS ENUM ('active', 'used', 'lapsed', 'released');

-- CreateEnum
CREATE TYPE "LetterKind" AS ENUM ('typed', 'handwritten');

-- CreateEnum
CREATE TYPE "LetterStatus" AS ENUM ('submitted', 'needs_changes', 'rejected', 'approved', 'printed', 'posted', 'replied');

-- CreateEnum
CREATE TYPE "ReplyDeliveryState" AS ENUM ('pending', 'delivered', 'blocked', 'failed');

-- CreateEnum
CREATE TYPE "OperatorRole" AS ENUM ('admin', 'operator');

-- CreateEnum
CREATE TYPE "PrintBatchStatus" AS ENUM ('open', 'printed', 'posted');

-- CreateEnum
CREATE TYPE "SpecificRequestStatus" AS ENUM ('open', 'matched', 'not_found', 'declined');

-- CreateEnum
CREATE TYPE "CounterKey" AS ENUM ('letters_written', 'letters_posted', 'replies_received');

-- CreateTable
CREATE TABLE "writers" (
    "id" SERIAL NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "language" "Language" NOT NULL,
    "signature_name" TEXT,
    "interests" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rules_accepted_version" INTEGER,
    "bot_blocked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "writers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prisoners" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "patronymic" TEXT,
    "last_name_latin" TEXT NOT NULL,
    "first_name_latin" TEXT NOT NULL,
    "patronymic_latin" TEXT,
    "search_name" TEXT NOT NULL,
    "birth_date" DATE NOT NULL,
    "region" TEXT NOT NULL,
    "region_en" TEXT,
    "facility_name" TEXT NOT NULL,
    "postal_address" TEXT,
    "can_receive_letters" BOOLEAN NOT NULL,
    "cannot_receive_reason" "CannotReceiveReason",
    "released_at" DATE,
    "case_summary_ru" TEXT NOT NULL,
    "case_summary_en" TEXT NOT NULL,
    "articles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "sentence_ru" TEXT,
    "sentence_en" TEXT,
    "in_custody_since" DATE,
    "interests" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "views" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "profession_ru" TEXT,
    "profession_en" TEXT,
    "letters_count" INTEGER NOT NULL DEFAULT 0,
    "last_letter_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "prisoners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" SERIAL NOT NULL,
    "writer_id" INTEGER NOT NULL,
    "prisoner_id" INTEGER NOT NULL,
    "status" "AssignmentStatus" NOT NULL DEFAULT 'active',
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "letters" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "writer_id" INTEGER NOT NULL,
    "prisoner_id" INTEGER,
    "specific_request_id" INTEGER,
    "kind" "LetterKind" NOT NULL,
    "text" TEXT,
    "language" TEXT NOT NULL,
    "signature_name" TEXT,
    "status" "LetterStatus" NOT NULL DEFAULT 'submitted',
    "status_reason" TEXT,
    "precheck_warnings" JSONB NOT NULL DEFAULT '[]',
    "needs_translation" BOOLEAN NOT NULL DEFAULT false,
    "translation_text" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "batch_id" INTEGER,
    "pdf_path" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "status_changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "letter_pages" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "storage_path" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "letter_pages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "letter_status_events" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "status" "LetterStatus" NOT NULL,
    "reason" TEXT,
    "operator_id" INTEGER,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "letter_status_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "replies" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "operator_id" INTEGER,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivery_state" "ReplyDeliveryState" NOT NULL DEFAULT 'pending',
    "delivery_attempts" INTEGER NOT NULL DEFAULT 0,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "replies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reply_pages" (
    "id" SERIAL NOT NULL,
    "reply_id" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "storage_path" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "sha256" TEXT NOT NULL,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "reply_pages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operators" (
    "id" SERIAL NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "role" "OperatorRole" NOT NULL DEFAULT 'operator',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "added_by" BIGINT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "print_batches" (
    "id" SERIAL NOT NULL,
    "status" "PrintBatchStatus" NOT NULL DEFAULT 'open',
    "pdf_path" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "printed_at" TIMESTAMP(3),
    "posted_at" TIMESTAMP(3),

    CONSTRAINT "print_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "specific_requests" (
    "id" SERIAL NOT NULL,
    "writer_id" INTEGER NOT NULL,
    "full_name" TEXT NOT NULL,
    "birth_year" INTEGER NOT NULL,
    "facility" TEXT,
    "status" "SpecificRequestStatus" NOT NULL DEFAULT 'open',
    "prisoner_id" INTEGER,
    "status_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "specific_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "counters" (
    "key" "CounterKey" NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "counters_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "writers_telegram_id_key" ON "writers"("telegram_id");

-- CreateIndex
CREATE UNIQUE INDEX "prisoners_external_id_key" ON "prisoners"("external_id");

-- CreateIndex
CREATE INDEX "prisoners_can_receive_letters_letters_count_idx" ON "prisoners"("can_receive_letters", "letters_count");

-- CreateIndex
CREATE INDEX "prisoners_search_name_trgm_idx" ON "prisoners" USING GIN ("search_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "prisoners_interests_idx" ON "prisoners" USING GIN ("interests");

-- CreateIndex
CREATE INDEX "prisoners_views_idx" ON "prisoners" USING GIN ("views");

-- CreateIndex
CREATE INDEX "prisoners_region_idx" ON "prisoners"("region");

-- CreateIndex
CREATE INDEX "prisoners_profession_en_idx" ON "prisoners"("profession_en");

-- CreateIndex
CREATE INDEX "assignments_writer_id_status_expires_at_idx" ON "assignments"("writer_id", "status", "expires_at");

-- CreateIndex
CREATE INDEX "assignments_status_expires_at_idx" ON "assignments"("status", "expires_at");

-- CreateIndex
CREATE INDEX "assignments_prisoner_id_status_idx" ON "assignments"("prisoner_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "letters_code_key" ON "letters"("code");

-- CreateIndex
CREATE UNIQUE INDEX "letters_specific_request_id_key" ON "letters"("specific_request_id");

-- CreateIndex
CREATE UNIQUE INDEX "letters_idempotency_key_key" ON "letters"("idempotency_key");

-- CreateIndex
CREATE INDEX "letters_writer_id_created_at_idx" ON "letters"("writer_id", "created_at");

-- CreateIndex
CREATE INDEX "letters_prisoner_id_created_at_idx" ON "letters"("prisoner_id", "created_at");

-- CreateIndex
CREATE INDEX "letters_status_status_changed_at_idx" ON "letters"("status", "status_changed_at");

-- CreateIndex
CREATE INDEX "letters_batch_id_idx" ON "letters"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "letter_pages_letter_id_index_key" ON "letter_pages"("letter_id", "index");

-- CreateIndex
CREATE INDEX "letter_status_events_letter_id_at_idx" ON "letter_status_events"("letter_id", "at");

-- CreateIndex
CREATE INDEX "replies_letter_id_idx" ON "replies"("letter_id");

-- CreateIndex
CREATE INDEX "replies_delivery_state_idx" ON "replies"("delivery_state");

-- CreateIndex
CREATE UNIQUE INDEX "reply_pages_reply_id_index_key" ON "reply_pages"("reply_id", "index");

-- CreateIndex
CREATE UNIQUE INDEX "operators_telegram_id_key" ON "operators"("telegram_id");

-- CreateIndex
CREATE INDEX "print_batches_status_idx" ON "print_batches"("status");

-- CreateIndex
CREATE INDEX "specific_requests_writer_id_created_at_idx" ON "specific_requests"("writer_id", "created_at");

-- CreateIndex
CREATE INDEX "specific_requests_status_idx" ON "specific_requests"("status");

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_writer_id_fkey" FOREIGN KEY ("writer_id") REFERENCES "writers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_prisoner_id_fkey" FOREIGN KEY ("prisoner_id") REFERENCES "prisoners"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letters" ADD CONSTRAINT "letters_writer_id_fkey" FOREIGN KEY ("writer_id") REFERENCES "writers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letters" ADD CONSTRAINT "letters_prisoner_id_fkey" FOREIGN KEY ("prisoner_id") REFERENCES "prisoners"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letters" ADD CONSTRAINT "letters_specific_request_id_fkey" FOREIGN KEY ("specific_request_id") REFERENCES "specific_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letters" ADD CONSTRAINT "letters_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "print_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letter_pages" ADD CONSTRAINT "letter_pages_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letter_status_events" ADD CONSTRAINT "letter_status_events_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "letter_status_events" ADD CONSTRAINT "letter_status_events_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "replies" ADD CONSTRAINT "replies_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "replies" ADD CONSTRAINT "replies_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reply_pages" ADD CONSTRAINT "reply_pages_reply_id_fkey" FOREIGN KEY ("reply_id") REFERENCES "replies"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "specific_requests" ADD CONSTRAINT "specific_requests_writer_id_fkey" FOREIGN KEY ("writer_id") REFERENCES "writers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "specific_requests" ADD CONSTRAINT "specific_requests_prisoner_id_fkey" FOREIGN KEY ("prisoner_id") REFERENCES "prisoners"("id") ON DELETE SET NULL ON UPDATE CASCADE;

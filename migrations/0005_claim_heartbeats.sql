ALTER TABLE "award_imports" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "award_imports" ADD COLUMN "claimed_by" uuid;--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "claimed_by" uuid;--> statement-breakpoint
-- An import running under the previous version keeps the lease that version gave it (10 minutes after its last news).
UPDATE "award_imports" SET "claimed_until" = "started_at" + interval '10 minutes' WHERE "status" = 'running' AND "started_at" IS NOT NULL;

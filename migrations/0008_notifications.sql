ALTER TABLE "assertions" ADD COLUMN "expiry_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "learner_preferences" ADD COLUMN "lang" text;--> statement-breakpoint
CREATE INDEX "assertions_expiry_reminder_idx" ON "assertions" USING btree ("expires") WHERE "assertions"."expires" is not null and "assertions"."expiry_reminded_at" is null and "assertions"."revoked_at" is null;
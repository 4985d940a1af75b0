ALTER TABLE "sign_in_attempts" ADD COLUMN "device" text;--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_device_at_idx" ON "sign_in_attempts" USING btree ("email_hash","device","at");
CREATE TABLE "general_badge_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"structure_id" uuid NOT NULL,
	"recipient_email" text NOT NULL,
	"recipient_name" text NOT NULL,
	"assertion_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "badge_classes" ADD COLUMN "local_note" text;--> statement-breakpoint
ALTER TABLE "general_badge_notices" ADD CONSTRAINT "general_badge_notices_structure_id_structures_id_fk" FOREIGN KEY ("structure_id") REFERENCES "public"."structures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "general_badge_notices" ADD CONSTRAINT "general_badge_notices_assertion_id_assertions_id_fk" FOREIGN KEY ("assertion_id") REFERENCES "public"."assertions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "general_badge_notices_structure_email" ON "general_badge_notices" USING btree ("structure_id","recipient_email");
CREATE TABLE "ob3_credentials" (
	"assertion_id" uuid PRIMARY KEY NOT NULL,
	"structure_id" uuid NOT NULL,
	"status_list" integer NOT NULL,
	"status_index" integer NOT NULL,
	"salt" text NOT NULL,
	"credential" jsonb,
	"basis" text,
	"key_id" uuid,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ob3_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"structure_id" uuid NOT NULL,
	"public_key_multibase" text NOT NULL,
	"secret_key_encrypted" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ob3_credentials" ADD CONSTRAINT "ob3_credentials_assertion_id_assertions_id_fk" FOREIGN KEY ("assertion_id") REFERENCES "public"."assertions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ob3_credentials" ADD CONSTRAINT "ob3_credentials_structure_id_structures_id_fk" FOREIGN KEY ("structure_id") REFERENCES "public"."structures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ob3_credentials" ADD CONSTRAINT "ob3_credentials_key_id_ob3_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."ob3_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ob3_keys" ADD CONSTRAINT "ob3_keys_structure_id_structures_id_fk" FOREIGN KEY ("structure_id") REFERENCES "public"."structures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ob3_credentials_status_slot" ON "ob3_credentials" USING btree ("structure_id","status_list","status_index");--> statement-breakpoint
CREATE INDEX "ob3_keys_structure_idx" ON "ob3_keys" USING btree ("structure_id","created_at");
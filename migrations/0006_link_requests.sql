CREATE TABLE "link_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"email" text NOT NULL,
	"lang" text NOT NULL,
	"ip" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL
);

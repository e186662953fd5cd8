CREATE TABLE "public_counter" (
	"key" varchar(80) PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "public_counter_expires_idx" ON "public_counter" USING btree ("expires_at");
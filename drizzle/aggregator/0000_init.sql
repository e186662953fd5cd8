CREATE TABLE "dossier_record" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ds_key" varchar(255) NOT NULL,
	"ds_data" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"procedure_id" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone,
	"last_modified" timestamp with time zone,
	"state" varchar(255),
	CONSTRAINT "dossier_record_ds_key_unique" UNIQUE("ds_key")
);
--> statement-breakpoint
CREATE TABLE "procedure_config" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"procedures" integer[],
	"group" jsonb
);
--> statement-breakpoint
CREATE INDEX "dossier_record_state_last_modified_idx" ON "dossier_record" USING btree ("state","last_modified");--> statement-breakpoint
CREATE INDEX "dossier_record_last_modified_idx" ON "dossier_record" USING btree ("last_modified");--> statement-breakpoint
CREATE INDEX "dossier_record_processed_at_idx" ON "dossier_record" USING btree ("processed_at");
CREATE TABLE "ds_import_state" (
	"procedure_number" integer PRIMARY KEY NOT NULL,
	"updated_since" timestamp with time zone NOT NULL,
	"end_cursor" text,
	"deleted_since" timestamp with time zone,
	"completed_at" timestamp with time zone
);

CREATE TABLE "alert" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ds_key" varchar(255) NOT NULL,
	"alert_type" varchar(64) NOT NULL,
	"message" varchar(255) NOT NULL,
	"url" varchar(512) NOT NULL,
	"group_id" varchar(32) NOT NULL,
	"group_type" varchar(32) NOT NULL,
	"group_label" varchar(255) NOT NULL,
	"state" varchar(32) NOT NULL,
	"instructors_history" jsonb NOT NULL,
	"email_usager" varchar(255),
	"email_instructors" jsonb NOT NULL,
	"date_debut_apt" varchar(64),
	"processed_at" timestamp with time zone,
	"detected_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_run" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job" varchar(64) NOT NULL,
	"status" varchar(16) NOT NULL,
	"trigger" varchar(16) NOT NULL,
	"params" jsonb NOT NULL,
	"instance" varchar(255) NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"since" timestamp with time zone,
	"read" integer DEFAULT 0 NOT NULL,
	"written" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped_keys" jsonb NOT NULL,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dedupe_key" varchar(512) NOT NULL,
	"kind" varchar(32) NOT NULL,
	"recipients" jsonb NOT NULL,
	"subject" varchar(512) NOT NULL,
	"text" text NOT NULL,
	"html" text,
	"attachments" jsonb NOT NULL,
	"state" varchar(16) NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"not_after" timestamp with time zone,
	"last_error" text,
	"message_id" varchar(512),
	"created_at" timestamp with time zone NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "monthly_report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"year" integer NOT NULL,
	"month" integer NOT NULL,
	"group_id" varchar(32) NOT NULL,
	"group_type" varchar(32) NOT NULL,
	"group_label" varchar(255) NOT NULL,
	"data" jsonb NOT NULL,
	"built_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "synchro_history" (
	"scheduler" varchar(64) PRIMARY KEY NOT NULL,
	"last_synchro" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "validity_check" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ds_key" varchar(255) NOT NULL,
	"dossier_id" bigint NOT NULL,
	"type" varchar(32) NOT NULL,
	"siret" varchar(32) NOT NULL,
	"nom" varchar(255) NOT NULL,
	"prenom" varchar(255) NOT NULL,
	"date_de_naissance" varchar(10) NOT NULL,
	"date_de_debut_apt" varchar(10) DEFAULT '' NOT NULL,
	"date_de_fin_apt" varchar(10) DEFAULT '' NOT NULL,
	"fin_apt" date,
	"champs" jsonb NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_ds_key_type_unique" ON "alert" USING btree ("ds_key","alert_type");--> statement-breakpoint
CREATE INDEX "alert_group_idx" ON "alert" USING btree ("group_id","group_type");--> statement-breakpoint
CREATE INDEX "job_run_job_started_idx" ON "job_run" USING btree ("job","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mail_outbox_dedupe_key_unique" ON "mail_outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "mail_outbox_delivery_idx" ON "mail_outbox" USING btree ("state","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "monthly_report_period_group_unique" ON "monthly_report" USING btree ("year","month","group_id","group_type");--> statement-breakpoint
CREATE UNIQUE INDEX "validity_check_ds_key_unique" ON "validity_check" USING btree ("ds_key");--> statement-breakpoint
CREATE INDEX "validity_check_lookup_idx" ON "validity_check" USING btree ("dossier_id","date_de_naissance");--> statement-breakpoint
CREATE INDEX "validity_check_fin_apt_idx" ON "validity_check" USING btree ("fin_apt");
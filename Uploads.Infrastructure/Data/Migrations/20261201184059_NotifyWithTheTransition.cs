using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotifyWithTheTransition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The notice carries the transition itself, so an event stream need not read it back from the table. A
            // reason is at most 512 characters, which keeps the payload far below NOTIFY's 8,000 bytes.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION notify_file_transition() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('file_transitions', json_build_object(
                        'id', NEW.id, 'file_id', NEW.file_id, 'from_status', NEW.from_status, 'status', NEW.status,
                        'at', NEW.at, 'reason', NEW.reason)::text);
                    RETURN NEW;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION notify_file_transition() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('file_transitions', NEW.file_id::text);
                    RETURN NEW;
                END
                $$;
                """);
        }
    }
}

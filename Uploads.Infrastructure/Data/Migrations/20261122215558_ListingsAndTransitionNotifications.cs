using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class ListingsAndTransitionNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every stored transition is announced on the file_transitions channel, whichever process stored it;
            // the API's event streams listen there instead of polling the table.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_file_transition() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('file_transitions', NEW.file_id::text);
                    RETURN NEW;
                END
                $$;
                CREATE TRIGGER file_transitions_notify AFTER INSERT ON file_transitions
                    FOR EACH ROW EXECUTE FUNCTION notify_file_transition();
                """);

            migrationBuilder.DropIndex(
                name: "ix_files_external_id",
                table: "files");

            migrationBuilder.CreateIndex(
                name: "ix_files_created_at_id",
                table: "files",
                columns: new[] { "created_at", "id" },
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "ix_files_external_id",
                table: "files",
                columns: new[] { "external_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_files_status_created_at_id",
                table: "files",
                columns: new[] { "status", "created_at", "id" },
                descending: new[] { false, true, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER file_transitions_notify ON file_transitions;
                DROP FUNCTION notify_file_transition();
                """);

            migrationBuilder.DropIndex(
                name: "ix_files_created_at_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_external_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_status_created_at_id",
                table: "files");

            migrationBuilder.CreateIndex(
                name: "ix_files_external_id",
                table: "files",
                column: "external_id");
        }
    }
}

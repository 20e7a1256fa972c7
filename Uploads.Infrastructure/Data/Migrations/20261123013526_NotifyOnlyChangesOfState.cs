using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotifyOnlyChangesOfState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A file's first transition (to PENDING) is stored with the file itself, before anyone can watch the file, so
            // announcing it wakes no one. Not notifying it spares every upload request the commit-time NOTIFY, which
            // PostgreSQL serialises across all sessions.
            migrationBuilder.Sql("""
                DROP TRIGGER file_transitions_notify ON file_transitions;
                CREATE TRIGGER file_transitions_notify AFTER INSERT ON file_transitions
                    FOR EACH ROW WHEN (NEW.from_status IS NOT NULL) EXECUTE FUNCTION notify_file_transition();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER file_transitions_notify ON file_transitions;
                CREATE TRIGGER file_transitions_notify AFTER INSERT ON file_transitions
                    FOR EACH ROW EXECUTE FUNCTION notify_file_transition();
                """);
        }
    }
}

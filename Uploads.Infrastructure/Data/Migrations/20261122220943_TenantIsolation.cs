using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class TenantIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_created_at_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_external_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_status_created_at_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_synced_sha256",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ux_files_pending_declared_sha256",
                table: "files");

            migrationBuilder.AddColumn<string>(
                name: "tenant_id",
                table: "files",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "default");

            migrationBuilder.CreateIndex(
                name: "ix_files_created_at_id",
                table: "files",
                columns: new[] { "tenant_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_files_external_id",
                table: "files",
                columns: new[] { "tenant_id", "external_id", "created_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_files_status_created_at_id",
                table: "files",
                columns: new[] { "tenant_id", "status", "created_at", "id" },
                descending: new[] { false, false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_files_synced_sha256",
                table: "files",
                columns: new[] { "tenant_id", "sha256", "size" },
                filter: "status = 'SYNCED'");

            migrationBuilder.CreateIndex(
                name: "ux_files_pending_declared_sha256",
                table: "files",
                columns: new[] { "tenant_id", "declared_sha256" },
                unique: true,
                filter: "status = 'PENDING' AND declared_sha256 IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_created_at_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_external_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_status_created_at_id",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_files_synced_sha256",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ux_files_pending_declared_sha256",
                table: "files");

            migrationBuilder.DropColumn(
                name: "tenant_id",
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

            migrationBuilder.CreateIndex(
                name: "ix_files_synced_sha256",
                table: "files",
                columns: new[] { "sha256", "size" },
                filter: "status = 'SYNCED'");

            migrationBuilder.CreateIndex(
                name: "ux_files_pending_declared_sha256",
                table: "files",
                column: "declared_sha256",
                unique: true,
                filter: "status = 'PENDING' AND declared_sha256 IS NOT NULL");
        }
    }
}

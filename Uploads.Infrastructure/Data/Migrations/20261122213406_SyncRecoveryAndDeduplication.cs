using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class SyncRecoveryAndDeduplication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "failed_deliveries",
                table: "files",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "sync_requested_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_synced_sha256",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ux_files_pending_declared_sha256",
                table: "files");

            migrationBuilder.DropColumn(
                name: "failed_deliveries",
                table: "files");

            migrationBuilder.DropColumn(
                name: "sync_requested_at",
                table: "files");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class UploadKeyCleared : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "upload_key_cleared_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_files_upload_key_uncleared",
                table: "files",
                column: "upload_expires_at",
                filter: "upload_key_cleared_at IS NULL AND status IN ('SYNCED', 'FAILED', 'EXPIRED')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_upload_key_uncleared",
                table: "files");

            migrationBuilder.DropColumn(
                name: "upload_key_cleared_at",
                table: "files");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class MultipartUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "multipart_upload_id",
                table: "files",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "multipart_upload_id",
                table: "files");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Uploads.Infrastructure.Data.Migrations
{
    /// <inheritdoc />
    public partial class Derivatives : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "derivatives_attempts",
                table: "files",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "derivatives_claim",
                table: "files",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "derivatives_failure_reason",
                table: "files",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "derivatives_lease_expires_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "derivatives_requested_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "derivatives_status",
                table: "files",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "NONE");

            migrationBuilder.AddColumn<string>(
                name: "derived_content",
                table: "files",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "derivatives_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_derivatives_transitions", x => x.id);
                    table.ForeignKey(
                        name: "FK_derivatives_transitions_files_file_id",
                        column: x => x.file_id,
                        principalTable: "files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_files_derivatives_due",
                table: "files",
                column: "derivatives_requested_at",
                filter: "derivatives_status IN ('PENDING', 'MAKING')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_files_derivatives_after_sync",
                table: "files",
                sql: "derivatives_status = 'NONE' OR status = 'SYNCED'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_files_derivatives_status",
                table: "files",
                sql: "derivatives_status IN ('NONE', 'PENDING', 'MAKING', 'READY', 'FAILED')");

            migrationBuilder.CreateIndex(
                name: "ix_derivatives_transitions_file_id",
                table: "derivatives_transitions",
                columns: new[] { "file_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "derivatives_transitions");

            migrationBuilder.DropIndex(
                name: "ix_files_derivatives_due",
                table: "files");

            migrationBuilder.DropCheckConstraint(
                name: "ck_files_derivatives_after_sync",
                table: "files");

            migrationBuilder.DropCheckConstraint(
                name: "ck_files_derivatives_status",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_attempts",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_claim",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_failure_reason",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_lease_expires_at",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_requested_at",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derivatives_status",
                table: "files");

            migrationBuilder.DropColumn(
                name: "derived_content",
                table: "files");
        }
    }
}

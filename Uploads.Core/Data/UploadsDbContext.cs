using Microsoft.EntityFrameworkCore;
using Uploads.Core.Files;

namespace Uploads.Core.Data;

public sealed class UploadsDbContext(DbContextOptions<UploadsDbContext> options) : DbContext(options)
{
    public DbSet<FileRecord> Files => Set<FileRecord>();
    public DbSet<FileTransition> FileTransitions => Set<FileTransition>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(UploadsDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<FileStatus>().HaveConversion<FileStatusConverter>().HaveMaxLength(16);
}

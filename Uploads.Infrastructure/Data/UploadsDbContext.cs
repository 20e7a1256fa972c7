using Microsoft.EntityFrameworkCore;
using Uploads.Domain.Batches;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;
using Uploads.Domain.Webhooks;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// The database, seen by one tenant (<see cref="TenantId"/>) or, for the worker's system work, by all of them.
/// A context that was given neither sees no file at all: forgetting the tenant hides data, it never leaks it.
/// Open it through <see cref="UploadsDatabases"/>, which always says which of the two it is.
/// </summary>
public sealed class UploadsDbContext(DbContextOptions<UploadsDbContext> options) : DbContext(options)
{
    public DbSet<FileRecord> Files => Set<FileRecord>();
    public DbSet<FileTransition> FileTransitions => Set<FileTransition>();
    public DbSet<DerivativesTransition> DerivativesTransitions => Set<DerivativesTransition>();
    public DbSet<Batch> Batches => Set<Batch>();
    public DbSet<BatchFile> BatchFiles => Set<BatchFile>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookMessage> WebhookMessages => Set<WebhookMessage>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public string? TenantId { get; internal set; }
    public bool AllTenants { get; internal set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(UploadsDbContext).Assembly);
        modelBuilder.Entity<FileRecord>().HasQueryFilter(f => AllTenants || f.TenantId == TenantId);
        modelBuilder.Entity<Batch>().HasQueryFilter(b => AllTenants || b.TenantId == TenantId);
        modelBuilder.Entity<BatchFile>().HasQueryFilter(m => AllTenants || m.TenantId == TenantId);
        modelBuilder.Entity<WebhookSubscription>().HasQueryFilter(s => AllTenants || s.TenantId == TenantId);
        modelBuilder.Entity<WebhookMessage>().HasQueryFilter(m => AllTenants || m.TenantId == TenantId);
        modelBuilder.Entity<WebhookDelivery>().HasQueryFilter(d => AllTenants || d.TenantId == TenantId);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<FileStatus>().HaveConversion<FileStatusConverter>().HaveMaxLength(16);
        configurationBuilder.Properties<DerivativesStatus>().HaveConversion<DerivativesStatusConverter>().HaveMaxLength(16);
    }
}

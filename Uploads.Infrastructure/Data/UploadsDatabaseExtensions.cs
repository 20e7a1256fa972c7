using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Uploads.Infrastructure.Data;

public static class UploadsDatabaseExtensions
{
    /// <summary>Aspire's resource name for the database; the connection string is <c>ConnectionStrings__uploads</c>.</summary>
    public const string ConnectionName = "uploads";

    public static IHostApplicationBuilder AddUploadsDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"Connection string '{ConnectionName}' is missing (ConnectionStrings__{ConnectionName}).");

        // Pooled: creating a context's services per request costs more than the request's own work. A context carries
        // its tenant, so UploadsDatabases sets the tenant, or all tenants, on every lease (a test checks a reused context).
        var retries = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton<FileTransitionMetrics>();
        builder.Services.AddSingleton<WebhookOutbox>();
        builder.Services.AddPooledDbContextFactory<UploadsDbContext>((services, options) => options
            .UseNpgsql(WithPreparedStatements(connectionString), npgsql => npgsql
                .EnableRetryOnFailure(retries.MaxRetryCount, retries.MaxRetryDelay, errorCodesToAdd: null)
                .ConfigureDataSource(dataSource => dataSource.ConfigureTracing(tracing => tracing
                    // Commands join the trace of the work that ran them; the reconciler's polling starts no traces of its own.
                    .ConfigureCommandFilter(_ => Activity.Current is not null)
                    .EnablePhysicalOpenTracing(false))))
            .AddInterceptors(services.GetRequiredService<FileTransitionMetrics>(), services.GetRequiredService<WebhookOutbox>()));
        builder.Services.AddSingleton<UploadsDatabases>();
        builder.Services.AddSingleton<SyncLeases>();
        builder.Services.AddSingleton<FileMoveWriter>();
        builder.Services.AddSingleton<NewFileWriter>();
        builder.Services.AddSingleton<ClusterLocks>();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(FileTransitionMetrics.MeterName));
        return builder;
    }

    /// <summary>
    /// Prepares the statements a process runs again and again (PostgreSQL then skips parsing and planning them), unless
    /// the connection string says otherwise.
    /// </summary>
    static string WithPreparedStatements(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            settings.MaxAutoPrepare = 64;
        }

        return settings.ConnectionString;
    }

    /// <summary>The command a deployment's migration job runs: <c>Uploads.Worker migrate</c> applies the migrations and exits.</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>The command a replica's init container runs: waits until the database has every migration this build knows.</summary>
    public const string WaitForMigrationsCommand = "wait-for-migrations";

    /// <summary>
    /// Runs the service, migrating the database first unless <see cref="DatabaseOptions.MigrateOnStartup"/> is off; or,
    /// given the <see cref="MigrateCommand"/> or the <see cref="WaitForMigrationsCommand"/>, does only that and returns.
    /// </summary>
    public static async Task RunWithMigrationsAsync(this IHost app, string[] args)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        switch (args)
        {
            case [MigrateCommand]:
                await app.Services.MigrateUploadsDatabaseAsync(stopping);
                return;
            case [WaitForMigrationsCommand]:
                await app.Services.WaitForMigrationsAsync(stopping);
                return;
        }

        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
        {
            await app.Services.MigrateUploadsDatabaseAsync(stopping);
        }

        await app.RunAsync();
    }

    /// <summary>
    /// Applies pending migrations, waiting for the database to answer first. Safe to call from several
    /// processes at once: EF Core takes a database lock around the migration.
    /// </summary>
    public static Task MigrateUploadsDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken) =>
        services.RepeatUntilDoneAsync(TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(500), async (db, _, token) =>
        {
            await db.Database.MigrateAsync(token);
            return true;
        }, cancellationToken);

    /// <summary>Returns once the database has every migration of this build, polling while a migration job runs.</summary>
    static Task WaitForMigrationsAsync(this IServiceProvider services, CancellationToken cancellationToken) =>
        services.RepeatUntilDoneAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2), async (db, logger, token) =>
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(token)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Waiting for {Count} migrations, the first {Migration}", pending.Count, pending[0]);
            }

            return pending.Count == 0;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="step"/> until it reports done, pausing <paramref name="pause"/> between tries and waiting out
    /// a database that does not answer yet, for at most <paramref name="limit"/>.
    /// </summary>
    static async Task RepeatUntilDoneAsync(this IServiceProvider services, TimeSpan limit, TimeSpan pause,
        Func<UploadsDbContext, ILogger, CancellationToken, Task<bool>> step, CancellationToken cancellationToken)
    {
        var databases = services.GetRequiredService<UploadsDatabases>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UploadsDatabaseExtensions));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        while (true)
        {
            try
            {
                await using var db = await databases.ForAllTenantsAsync(timeout.Token);
                if (await step(db, logger, timeout.Token))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or RetryLimitExceededException && !timeout.IsCancellationRequested)
            {
                logger.LogWarning("Database not reachable yet ({Message}); retrying", ex.Message);
            }

            await Task.Delay(pause, timeout.Token);
        }
    }
}

sealed class DatabaseHealthCheck(UploadsDatabases databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
    }
}

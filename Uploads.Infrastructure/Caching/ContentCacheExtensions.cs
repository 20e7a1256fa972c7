using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Infrastructure.Caching;

public static class ContentCacheExtensions
{
    public static IHostApplicationBuilder AddContentCache(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ContentCacheOptions.ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{ContentCacheOptions.ConnectionName}' is missing (ConnectionStrings__{ContentCacheOptions.ConnectionName}).");

        builder.Services.AddOptions<ContentCacheOptions>()
            .BindConfiguration(ContentCacheOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Not failing on connect: the service runs, and stays correct, while Redis is down. And no backlog: a command
        // while disconnected fails at once instead of waiting for a reconnect; the caller goes to storage.
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        builder.Services.AddSingleton<CacheMetrics>();
        builder.Services.AddSingleton<FileContentCache>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(CacheMetrics.MeterName));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(UploadsTracing.SourceName));
        // Degraded, not unhealthy: the service stays correct without its cache, only slower.
        builder.Services.AddHealthChecks().AddRedis(
            services => services.GetRequiredService<IConnectionMultiplexer>(), "cache", HealthStatus.Degraded, ["ready"]);
        return builder;
    }
}

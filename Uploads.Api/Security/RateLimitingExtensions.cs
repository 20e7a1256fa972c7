using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Api.StorageEvents;

namespace Uploads.Api.Security;

public static class RateLimitingExtensions
{
    public const string Presign = "presign";
    public const string Confirm = "confirm";

    /// <summary>Reads: metadata, listings, content, event streams and multipart resume.</summary>
    public const string Read = "read";

    /// <summary>
    /// Storage's event notifications: one bucket for the storage (requests with its token), and one per caller address
    /// for everyone else, so that a flood without the token never throttles storage's own events.
    /// </summary>
    public const string StorageEvents = "storage-events";

    /// <summary>Limits each tenant on its own: one tenant's burst never throttles another. Over the limit: 429 with Retry-After.</summary>
    public static IHostApplicationBuilder AddTenantRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<UploadRequestRate>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, UploadRequestRate>((limiter, limits, uploads) =>
        {
            limiter.AddPolicy(Presign, context =>
                RateLimitPartition.Get(context.User.TenantId(), tenant => uploads.For(tenant)));
            limiter.AddPolicy(Confirm, context => PerTenant(context, limits.Value.Confirm));
            limiter.AddPolicy(Read, context => PerTenant(context, limits.Value.Read));
            limiter.AddPolicy(StorageEvents, context => Bucket(
                StorageEventsApi.HoldsToken(context.Request) ? "storage" : $"caller:{context.Connection.RemoteIpAddress}", limits.Value.StorageEvents));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString();
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"Over the request rate; try again in {retryAfter} s.",
                        Extensions = { ["code"] = ProblemCodes.RateLimited },
                    },
                });
            };
        });
        return builder;
    }

    static RateLimitPartition<string> PerTenant(HttpContext context, RateLimitOptions.TokenBucket bucket) => Bucket(context.User.TenantId(), bucket);

    static RateLimitPartition<string> Bucket(string partition, RateLimitOptions.TokenBucket bucket) =>
        RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.Burst,
            TokensPerPeriod = bucket.PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}

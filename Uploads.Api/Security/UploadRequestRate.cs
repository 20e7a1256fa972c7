using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Uploads.Api.Security;

/// <summary>
/// Each tenant's bucket of upload requests, one for every way of asking for an upload: the rate limiter's
/// <see cref="RateLimitingExtensions.Presign"/> policy takes one request from it, and a batch takes one more for each
/// further file it carries (up to the bucket's size), so that a batch of 1,000 files costs what 1,000 requests cost.
/// </summary>
public sealed class UploadRequestRate(IOptions<RateLimitOptions> options) : IDisposable
{
    readonly RateLimitOptions.TokenBucket bucket = options.Value.Presign;
    readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(tenant =>
        RateLimitPartition.GetTokenBucketLimiter(tenant, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.Presign.Burst,
            TokensPerPeriod = options.Value.Presign.PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>
    /// Takes from the tenant's bucket what a batch of <paramref name="files"/> costs beyond the one request the rate
    /// limiter already took: one per further file, at most all but that one of the bucket's size (so that a batch larger
    /// than the bucket costs a full bucket, and can pass). The lease says whether they were there.
    /// </summary>
    public RateLimitLease TakeFurtherFiles(string tenant, int files) => limiter.AttemptAcquire(tenant, Math.Clamp(files - 1, 0, bucket.Burst - 1));

    /// <summary>The tenant's bucket as one rate limiter, for the middleware's policy: the same tokens, not a copy of them.</summary>
    public RateLimiter For(string tenant) => new TenantLimiter(this, tenant);

    public void Dispose() => limiter.Dispose();

    sealed class TenantLimiter(UploadRequestRate rate, string tenant) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => rate.limiter.GetStatistics(tenant);

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => rate.limiter.AttemptAcquire(tenant, permitCount);

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            rate.limiter.AcquireAsync(tenant, permitCount, cancellationToken);
    }
}

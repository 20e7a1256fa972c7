using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.Security;

/// <summary>Per-tenant token buckets: for the calls that cost storage signatures and database writes, and for reads.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public TokenBucket Presign { get; set; } = new() { PerSecond = 100, Burst = 200 };

    public TokenBucket Confirm { get; set; } = new() { PerSecond = 100, Burst = 200 };

    public TokenBucket Read { get; set; } = new() { PerSecond = 200, Burst = 400 };

    /// <summary>Storage's event notifications, for the whole deployment (they name no tenant): at most this many requests.</summary>
    public TokenBucket StorageEvents { get; set; } = new() { PerSecond = 500, Burst = 1000 };

    public sealed class TokenBucket
    {
        [Range(1, 1_000_000)]
        public int PerSecond { get; set; }

        [Range(1, 1_000_000)]
        public int Burst { get; set; }
    }
}

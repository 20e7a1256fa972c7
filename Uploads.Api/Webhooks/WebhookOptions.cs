using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Development only (refused elsewhere): lets subscriptions name <c>http</c> URLs and loopback, link-local and private
    /// addresses, such as a receiver on the developer's machine. Off, the API connects only to public addresses over https.
    /// </summary>
    public bool AllowInsecureTargets { get; set; }

    /// <summary>How long one attempt may take, connecting included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The waits between attempts; none configured, <see cref="DefaultRetryDelays"/>.</summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>Eleven attempts over about a day (23 h 43 min), then the delivery has failed.</summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    /// <summary>A subscription whose deliveries failed for good this many times in a row is disabled.</summary>
    [Range(1, 1000)]
    public int DisableAfterFailedDeliveries { get; set; } = 10;

    /// <summary>How often the dispatcher looks for messages to fan out and deliveries that are due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 1000)]
    public int MaxSubscriptionsPerTenant { get; set; } = 20;

    /// <summary>How long a message is kept, with its deliveries and attempts, once none of its deliveries is pending.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan RetainFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often each API replica forgets the messages kept longer than <see cref="RetainFor"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}

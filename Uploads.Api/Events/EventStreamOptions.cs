using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.Events;

public sealed class EventStreamOptions
{
    public const string Section = "Events";

    /// <summary>Event streams one tenant may hold open at once; one more answers 429. Each holds a connection and a watcher.</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerTenant { get; set; } = 100;
}

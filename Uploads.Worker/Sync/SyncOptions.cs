using System.ComponentModel.DataAnnotations;

namespace Uploads.Worker.Sync;

public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>
    /// How long a claim on a SYNCING file lasts before another worker may take the file over. A live worker renews the
    /// claims of all its syncs in hand every third of this, so it bounds how long a dead worker's file waits, not how
    /// long a sync may take.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "1.00:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries of a file's sync before it is FAILED; each one has already been retried in place.</summary>
    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 4;

    /// <summary>Retries of a delivery in place, on the worker that took it, before the delivery counts as failed.</summary>
    [Range(0, 20)]
    public int RetriesInPlace { get; set; } = 5;

    /// <summary>
    /// The longest pause between two retries in place (they back off exponentially from 200 ms). The reconciler's
    /// <c>RepublishAfter</c> must be longer, or it republishes files whose delivery is still being retried.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:05:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The pause before the next delivery after a delivery failed for good; the last value repeats. Empty in
    /// configuration means <see cref="DefaultRedeliveryDelays"/> (the binder adds configured items to initial ones).
    /// </summary>
    public TimeSpan[] RedeliveryDelays { get; set; } = [];

    /// <summary>
    /// Tenants whose policy allows active content (SVG, HTML, XML: what a browser runs script in). Everyone else's ends
    /// FAILED with <c>ACTIVE_CONTENT</c>; an allowed file is still only ever served as an attachment in a sandbox.
    /// </summary>
    public string[] ActiveContentTenants { get; set; } = [];

    public static readonly TimeSpan[] DefaultRedeliveryDelays = [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <summary>Bytes read from storage at a time: the worker's memory per file does not grow beyond this.</summary>
    [Range(4096, 16 * 1024 * 1024)]
    public int ReadBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>On SIGTERM, how long the syncs in hand may run on before they are cancelled and release their file.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the worker takes to stop at most: the syncs' <see cref="StopTimeout"/>, then releasing their files and
    /// closing the bus. A deployment's grace period before SIGKILL must be longer.
    /// </summary>
    public TimeSpan ShutdownTimeout => StopTimeout + TimeSpan.FromSeconds(15);

    [Range(1, 256)]
    public int ConcurrentMessageLimit { get; set; } = 8;
}

using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;

namespace Uploads.Domain.Webhooks;

/// <summary>What a subscription may ask to hear of, and which of a file's transitions (or its derivatives') is which event: said once, here.</summary>
public static class WebhookEventTypes
{
    public const string FileSynced = "file.synced";
    public const string FileFailed = "file.failed";
    public const string FileExpired = "file.expired";
    public const string FileDerivativesReady = "file.derivatives_ready";

    /// <summary>A delivery of <c>POST /webhooks/{id}/test</c>: sent to that subscription only, whatever it subscribed to.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> Subscribable = [FileSynced, FileFailed, FileExpired, FileDerivativesReady];

    /// <summary>The event a move into <paramref name="status"/> announces; null for the moves nobody subscribes to.</summary>
    public static string? ForTransitionTo(FileStatus status) => status switch
    {
        FileStatus.Synced => FileSynced,
        FileStatus.Failed => FileFailed,
        FileStatus.Expired => FileExpired,
        _ => null,
    };

    /// <summary>The event a move of a file's derivatives into <paramref name="status"/> announces; null for the others.</summary>
    public static string? ForDerivativesTransitionTo(DerivativesStatus status) =>
        status == DerivativesStatus.Ready ? FileDerivativesReady : null;
}

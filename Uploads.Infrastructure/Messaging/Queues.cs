namespace Uploads.Infrastructure.Messaging;

/// <summary>The queues the worker consumes; a deployment watches their length (KEDA's ScaledObject in the Helm chart).</summary>
public static class Queues
{
    /// <summary>Where <c>FileUploaded</c> events wait for a worker to sync their file.</summary>
    public const string FileSync = "file-sync";

    /// <summary>Where <c>DerivativesRequested</c> events wait for a worker to make a file's thumbnails and metadata.</summary>
    public const string FileDerivatives = "file-derivatives";
}

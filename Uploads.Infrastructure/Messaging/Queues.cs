namespace Uploads.Infrastructure.Messaging;

/// <summary>The queues the worker consumes; a deployment watches their length (KEDA's ScaledObject in the Helm chart).</summary>
public static class Queues
{
    /// <summary>Where <c>FileUploaded</c> events wait for a worker to sync their file.</summary>
    public const string FileSync = "file-sync";
}

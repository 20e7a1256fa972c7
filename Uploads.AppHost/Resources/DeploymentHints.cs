namespace Uploads.AppHost.Resources;

/// <summary>
/// What a container orchestrator needs beyond Aspire's manifest, attached to a resource of the model in publish mode
/// and read by the compose and Helm writers.
/// </summary>
/// <param name="HealthCheck">The container's health check command, in compose's <c>CMD</c>/<c>CMD-SHELL</c> form.</param>
/// <param name="RunsToCompletion">A one-shot job (creating the bucket, migrating), which others wait to finish.</param>
/// <param name="MemoryLimit">The memory a container may use where the orchestrator limits it (Kubernetes); 1 GiB unless said.</param>
/// <param name="ReachesInternet">It connects out of the deployment (webhooks, signature updates): the others need not.</param>
public sealed record DeploymentHints(
    IReadOnlyList<string>? HealthCheck = null, bool RunsToCompletion = false, string MemoryLimit = "1Gi", bool ReachesInternet = false) : IResourceAnnotation
{
    /// <summary>The resources this one waits for, from its <c>WaitFor</c>s; a database stands for its server.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
}

namespace Uploads.AppHost.Publishing;

/// <param name="HealthCheck">The container's health check command, in compose's <c>CMD</c>/<c>CMD-SHELL</c> form.</param>
/// <param name="DependsOn">The resources this one waits for; a value resource stands for the container behind it.</param>
/// <param name="RunsToCompletion">A one-shot job (creating the bucket), which others wait to finish.</param>
/// <param name="MemoryLimit">The memory a container may use where the orchestrator limits it (Kubernetes); 1 GiB unless said.</param>
public sealed record DeploymentHints(
    IReadOnlyList<string>? HealthCheck = null, IReadOnlyList<string>? DependsOn = null, bool RunsToCompletion = false, string MemoryLimit = "1Gi");

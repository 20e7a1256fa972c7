using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>What a runner may use of the application it runs in.</summary>
public sealed class OrchestrationContext(DistributedApplicationOptions options)
{
    public DistributedApplicationOptions Options { get; } = options;

    public string DataDirectory(string resourceName) => Path.Combine(Options.StateDirectory, resourceName);

    public string LogPath(string resourceName) => Path.Combine(Options.StateDirectory, "logs", $"{resourceName}.log");

    public void Log(string message) => Options.Log(message);

    /// <summary>
    /// Where the projects send their telemetry: the dashboard's receiver, unless the AppHost's own environment names an
    /// OTLP endpoint (a collector, the standalone Aspire dashboard), which the projects then inherit unchanged.
    /// </summary>
    public string? OtlpEndpoint { get; set; }
}

namespace Uploads.AppHost.ApplicationModel;

public sealed class DistributedApplicationOptions
{
    /// <summary>Where every resource keeps its data and logs; kept across runs so data survives a restart.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The environment handed to projects (<c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>).</summary>
    public string EnvironmentName { get; init; } = "Development";

    /// <summary>Fixed ports by resource name; every other endpoint takes a free port.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; init; } = new Dictionary<string, int>();

    /// <summary>Run: start the resources. Publish: describe them for a deployment, starting nothing (Aspire's execution context).</summary>
    public bool IsPublishMode { get; init; }

    /// <summary>Where the AppHost's own messages go.</summary>
    public Action<string> Log { get; init; } = message => Console.WriteLine($"[apphost] {message}");

    public int PortFor(string resourceName) => Ports.TryGetValue(resourceName, out var port) && port > 0 ? port : ApplicationModel.Ports.Free();
}

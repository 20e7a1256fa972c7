
namespace Uploads.AppHost;

/// <summary>
/// What this machine's run needs beyond Aspire's own settings: where the state lives, fixed ports, replicas. Read from
/// appsettings.json, <c>APPHOST_*</c> variables and the command line (<c>--state-dir</c>, <c>--api-port</c>, …).
/// </summary>
public sealed class AppHostOptions
{
    public const string Section = "AppHost";

    /// <summary>More processes than this on one machine measure the machine, not the service.</summary>
    public const int MaxReplicas = 16;

    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--state-dir"] = "AppHost:StateDirectory",
        ["--api-port"] = "AppHost:Ports:api",
        ["--dashboard-port"] = "AppHost:Ports:dashboard",
        ["--environment"] = "AppHost:EnvironmentName",
        ["--api-replicas"] = "AppHost:Replicas:Api",
        ["--worker-replicas"] = "AppHost:Replicas:Worker",
    };

    public string StateDirectory { get; init; } = AppHostPaths.DefaultStateDirectory;

    /// <summary>The environment the API and the worker run in (Development: development tokens, the upload page's token endpoint).</summary>
    public string EnvironmentName { get; init; } = "Development";

    /// <summary>Fixed ports by resource name (<c>api</c>, <c>dashboard</c>, <c>postgres</c>, …); the others are chosen free.</summary>
    public Dictionary<string, int> Ports { get; init; } = [];

    public int ApiReplicas { get; init; } = 1;
    public int WorkerReplicas { get; init; } = 1;

    public int? PortOf(string resource) => Ports.TryGetValue(resource, out var port) ? port : null;

    /// <summary>The AppHost's own settings: its appsettings.json, then the environment, then the command line's switches.</summary>
    public static IConfiguration Configuration(string[] args) => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(args, new Dictionary<string, string>(Switches))
        .Build();

    public static AppHostOptions Read(IConfiguration configuration)
    {
        var section = configuration            .GetSection(Section);
        var options = new AppHostOptions
        {
            StateDirectory = Path.GetFullPath(section["StateDirectory"] is { Length: > 0 } state ? state : AppHostPaths.DefaultStateDirectory),
            EnvironmentName = section["EnvironmentName"] ?? "Development",
            Ports = section.GetSection("Ports").GetChildren()
                .Where(port => int.TryParse(port.Value, out _))
                .ToDictionary(port => port.Key, port => int.Parse(port.Value!)),
            ApiReplicas = section.GetValue("Replicas:Api", 1),
            WorkerReplicas = section.GetValue("Replicas:Worker", 1),
        };
        foreach (var (name, replicas) in new[] { ("api", options.ApiReplicas), ("worker", options.WorkerReplicas) })
        {
            if (replicas is < 1 or > MaxReplicas)
            {
                throw new ArgumentOutOfRangeException(nameof(configuration), replicas, $"--{name}-replicas must be between 1 and {MaxReplicas}.");
            }
        }

        return options;
    }
}

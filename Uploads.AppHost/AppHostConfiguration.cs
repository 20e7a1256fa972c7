using Microsoft.Extensions.Configuration;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Dashboard;

namespace Uploads.AppHost;

/// <summary>Reads the AppHost's settings: appsettings.json, then <c>APPHOST_*</c> variables, then the command line.</summary>
public static class AppHostConfiguration
{
    static readonly Dictionary<string, string> Switches = new()
    {
        ["--state-dir"] = "AppHost:StateDirectory",
        ["--api-port"] = "AppHost:Ports:api",
        ["--environment"] = "AppHost:EnvironmentName",
        ["--dashboard-port"] = "AppHost:Dashboard:Port",
        ["--otlp-port"] = "AppHost:Dashboard:OtlpPort",
        ["--dashboard"] = "AppHost:Dashboard:Enabled",
        ["--api-replicas"] = "AppHost:Replicas:Api",
        ["--worker-replicas"] = "AppHost:Replicas:Worker",
    };

    /// <summary>More processes than this on one machine measure the machine, not the service.</summary>
    public const int MaxReplicas = 16;

    public static AppHostSettings Read(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("APPHOST_")
            .AddCommandLine(args, Switches)
            .Build()
            .GetSection("AppHost");

        var options = new DistributedApplicationOptions
        {
            StateDirectory = Path.GetFullPath(configuration["StateDirectory"] is { Length: > 0 } state ? state : AppHostPaths.DefaultStateDirectory),
            EnvironmentName = configuration["EnvironmentName"] ?? "Development",
            Ports = configuration.GetSection("Ports").GetChildren()
                .Where(port => int.TryParse(port.Value, out _))
                .ToDictionary(port => port.Key, port => int.Parse(port.Value!)),
        };
        var dashboard = configuration.GetValue("Dashboard:Enabled", true)
            ? configuration.GetSection("Dashboard").Get<DashboardOptions>() ?? new DashboardOptions()
            : null;
        foreach (var port in options.Ports.Values.Concat(dashboard is null ? [] : [dashboard.Port, dashboard.OtlpPort]))
        {
            Ports.Reserve(port);
        }

        return new AppHostSettings(options, dashboard, Replicas(configuration, "Api"), Replicas(configuration, "Worker"));
    }

    static int Replicas(IConfiguration configuration, string project)
    {
        var replicas = configuration.GetValue($"Replicas:{project}", 1);
        return replicas is >= 1 and <= MaxReplicas
            ? replicas
            : throw new ArgumentOutOfRangeException(nameof(configuration), replicas, $"--{project.ToLowerInvariant()}-replicas must be between 1 and {MaxReplicas}.");
    }
}

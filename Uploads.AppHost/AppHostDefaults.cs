namespace Uploads.AppHost;

/// <summary>
/// How this AppHost runs on a developer's machine unless told otherwise: the dashboard on
/// <c>http://127.0.0.1:18888</c> without a login (loopback only), over plain HTTP, and its OTLP receivers beside it.
/// What the command line or the environment says wins.
/// </summary>
public static class AppHostDefaults
{
    public const int DashboardPort = 18888;
    public const int OtlpGrpcPort = 18889;
    public const int OtlpHttpPort = 18890;

    /// <summary>The arguments Aspire's builder is given: ours turned into its settings, after the defaults.</summary>
    public static string[] Apply(string[] args)
    {
        var configuration = AppHostOptions.Configuration(args);
        var dashboardPort = configuration.GetValue("AppHost:Ports:dashboard", DashboardPort);
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboardPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{configuration.GetValue("AppHost:Ports:otlp-grpc", OtlpGrpcPort)}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{configuration.GetValue("AppHost:Ports:otlp-http", OtlpHttpPort)}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
        };
        var defaults = settings.Where(setting => string.IsNullOrEmpty(configuration[setting.Key])).Select(setting => $"--{setting.Key}={setting.Value}");
        return [.. defaults, .. args];
    }
}

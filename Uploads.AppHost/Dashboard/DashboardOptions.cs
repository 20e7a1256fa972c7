namespace Uploads.AppHost.Dashboard;

/// <summary>Where the development dashboard listens: loopback only, since it has no sign-in.</summary>
public sealed class DashboardOptions
{
    /// <summary>The dashboard's pages and JSON API; 18888, as Aspire's dashboard.</summary>
    public int Port { get; init; } = 18888;

    /// <summary>The OTLP/HTTP receiver; 18890, Aspire's OTLP/HTTP port.</summary>
    public int OtlpPort { get; init; } = 18890;

    public string Url => $"http://127.0.0.1:{Port}";
    public string OtlpUrl => $"http://127.0.0.1:{OtlpPort}";
}

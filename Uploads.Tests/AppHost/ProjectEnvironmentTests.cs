using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;

namespace Uploads.Tests.AppHost;

/// <summary>What a project is handed when it starts, as Aspire would hand it over.</summary>
public sealed class ProjectEnvironmentTests
{
    readonly DistributedApplicationBuilder builder = new(new DistributedApplicationOptions { StateDirectory = Path.GetTempPath() });

    [Fact]
    public void With_the_dashboard_the_project_exports_OTLP_over_http_protobuf_to_its_receiver_every_second()
    {
        var api = builder.AddProject("api", "Uploads.Api.dll", "Dockerfile");
        var app = builder.Build();
        app.OtlpEndpoint = "http://127.0.0.1:18890";

        var environment = EnvironmentOf(app, api);

        Assert.Equal("http://127.0.0.1:18890", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("1000", environment["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void Without_a_receiver_of_its_own_the_project_keeps_the_OTLP_settings_it_inherits()
    {
        var api = builder.AddProject("api", "Uploads.Api.dll", "Dockerfile");
        var app = builder.Build();
        app.OtlpEndpoint = null;

        var environment = EnvironmentOf(app, api);

        // Not set here, so the child inherits OTEL_EXPORTER_OTLP_ENDPOINT and the protocol from the AppHost's environment.
        Assert.False(environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.False(environment.ContainsKey("OTEL_EXPORTER_OTLP_PROTOCOL"));
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void References_become_Aspire_s_connection_string_variables()
    {
        var cache = builder.AddRedis("cache");
        var api = builder.AddProject("api", "Uploads.Api.dll", "Dockerfile").WithReference(cache);

        Assert.Equal(cache.ConnectionString, EnvironmentOf(builder.Build(), api)["ConnectionStrings__cache"]);
    }

    static IReadOnlyDictionary<string, string?> EnvironmentOf(DistributedApplication app, ProjectResource project) =>
        Assert.IsType<ProjectRunner>(app.Runner(project)).Environment();
}

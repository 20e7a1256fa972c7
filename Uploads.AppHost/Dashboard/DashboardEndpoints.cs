using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Uploads.AppHost.Orchestration;

namespace Uploads.AppHost.Dashboard;

/// <summary>The dashboard's page and the JSON it draws from.</summary>
public static class DashboardEndpoints
{
    static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapDashboard(
        this IEndpointRouteBuilder endpoints, IReadOnlyList<ResourceRunner> resources, TelemetryStore telemetry, string host)
    {
        var page = Page();
        var dashboard = endpoints.MapGroup("").RequireHost(host);
        dashboard.MapGet("/", () => TypedResults.Text(page, "text/html; charset=utf-8"));

        dashboard.MapGet("/api/resources", async (CancellationToken cancellationToken) =>
            TypedResults.Ok(await Task.WhenAll(resources.Select(resource => DescribeAsync(resource, cancellationToken)))));

        dashboard.MapGet("/api/resources/{name}/console", Results<Ok<IReadOnlyList<ConsoleLine>>, NotFound> (string name, long? after) =>
            resources.FirstOrDefault(r => r.Name == name) is { } resource
                ? TypedResults.Ok(resource.ConsoleLog.After(after ?? -1))
                : TypedResults.NotFound());

        dashboard.MapGet("/api/resources/{name}/console/stream", Results<ServerSentEventsResult<ConsoleLine>, NotFound> (
            string name, long? after, CancellationToken cancellationToken) =>
            resources.FirstOrDefault(r => r.Name == name) is { } resource
                ? TypedResults.ServerSentEvents(resource.ConsoleLog.FollowAsync(after ?? -1, cancellationToken))
                : TypedResults.NotFound());

        dashboard.MapGet("/api/traces", (int? limit, string? service, string? search) =>
            TypedResults.Ok(telemetry.Traces(Math.Clamp(limit ?? 100, 1, 1000), NullIfEmpty(service), NullIfEmpty(search))));

        dashboard.MapGet("/api/traces/{traceId}", Results<Ok<TraceView>, NotFound> (string traceId) =>
            telemetry.Trace(traceId.ToLowerInvariant()) is { } trace ? TypedResults.Ok(trace) : TypedResults.NotFound());

        dashboard.MapGet("/api/logs", (int? limit, string? service, string? traceId) =>
            TypedResults.Ok(telemetry.Logs(Math.Clamp(limit ?? 200, 1, 5000), NullIfEmpty(service), NullIfEmpty(traceId))));

        dashboard.MapGet("/api/metrics", () => TypedResults.Ok(telemetry.Metrics()));
        return endpoints;
    }

    static async Task<ResourceView> DescribeAsync(ResourceRunner resource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthTimeout);
        bool? healthy;
        try
        {
            healthy = await resource.CheckHealthAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            healthy = false;
        }

        return new ResourceView(
            resource.Name,
            resource.Resource.Kind,
            resource.State.ToString(),
            resource.Process?.Id,
            resource.Resource.Endpoint,
            healthy switch { true => "Healthy", false => "Unhealthy", null => null },
            [.. resource.Resource.WaitsFor.Select(r => r.Name)]);
    }

    static string Page()
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Dashboard/index.html")
            ?? throw new InvalidOperationException("The dashboard page is not embedded in the AppHost.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

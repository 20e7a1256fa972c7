using System.Security.Cryptography;
using System.Text;
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
        this IEndpointRouteBuilder endpoints, IReadOnlyList<ResourceRunner> resources, TelemetryStore telemetry, IEnumerable<string> hosts)
    {
        var page = Page();
        var policy = ContentSecurityPolicy(page);
        // Loopback names only: a page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
        // sends its own Host, and finds nothing here.
        var dashboard = endpoints.MapGroup("").RequireHost([.. hosts]);
        dashboard.MapGet("/", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = policy;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.Text(page, "text/html; charset=utf-8");
        });

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

        dashboard.MapGet("/api/traces", (int? limit, string? service, string? search, string? span) =>
            TypedResults.Ok(telemetry.Traces(Math.Clamp(limit ?? 100, 1, 1000), NullIfEmpty(service), NullIfEmpty(search), NullIfEmpty(span))));

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

    /// <summary>
    /// The page may run its one inline script (pinned by its hash) and talk to this origin, and nothing else: no other
    /// script, frame, form target or plug-in. Inline styles stay allowed: the waterfall positions its bars with them.
    /// </summary>
    static string ContentSecurityPolicy(string page)
    {
        var start = page.IndexOf("<script>", StringComparison.Ordinal) + "<script>".Length;
        var script = page[start..page.IndexOf("</script>", start, StringComparison.Ordinal)];
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
        return $"default-src 'none'; script-src 'sha256-{hash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
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

using System.Net.Sockets;
using System.Text;

namespace Uploads.AppHost.Resources;

/// <summary>
/// Health checks of the backing services that run here as executables: each asks whether a service does its job
/// yet (a query, a PING, a bucket), never how long it usually takes. Registered by the resource they check.
/// </summary>
static class Probes
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static async Task<HealthCheckResult> TcpAsync(EndpointReference endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    public static async Task<HealthCheckResult> HttpOkAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    /// <summary>Redis's own liveness check: <c>PING</c>, answered <c>+PONG</c>.</summary>
    public static Task<HealthCheckResult> RedisPingAsync(EndpointReference endpoint, CancellationToken cancellationToken) =>
        AskAsync(endpoint, "PING\r\n"u8.ToArray(), answer => answer.StartsWith("+PONG", StringComparison.Ordinal), cancellationToken);

    /// <summary>clamd's own health check: <c>zPING</c>, answered <c>PONG</c>.</summary>
    public static Task<HealthCheckResult> ClamdPingAsync(EndpointReference endpoint, CancellationToken cancellationToken) =>
        AskAsync(endpoint, "zPING\0"u8.ToArray(), answer => answer.TrimEnd('\0') == "PONG", cancellationToken);

    static async Task<HealthCheckResult> AskAsync(EndpointReference endpoint, byte[] question, Func<string, bool> isHealthy, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(question, cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return isHealthy(answer) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"answered '{answer}'");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

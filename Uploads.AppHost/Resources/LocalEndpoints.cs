namespace Uploads.AppHost.Resources;

static class LocalEndpoints
{
    /// <summary>
    /// An endpoint the executable itself listens on, on loopback: on <paramref name="port"/> when one is fixed (the
    /// tests choose theirs, to put fault proxies in front), else on one DCP picks and the executable is told.
    /// </summary>
    public static IResourceBuilder<T> WithLocalEndpoint<T>(this IResourceBuilder<T> builder, string name, string scheme, int? port)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(name: name, scheme: scheme, port: port, targetPort: port, isProxied: false);

    /// <summary>The port the executable must listen on, as an argument or variable DCP fills in when it starts it.</summary>
    public static EndpointReferenceExpression ListenPort(this EndpointReference endpoint) => endpoint.Property(EndpointProperty.TargetPort);

    /// <summary>A health check answered by <paramref name="check"/>, registered for and attached to the resource.</summary>
    public static IResourceBuilder<T> WithProbe<T>(this IResourceBuilder<T> builder, Func<CancellationToken, Task<HealthCheckResult>> check)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(key, check);
        return builder.WithHealthCheck(key);
    }

    /// <summary>A folder of the resource's own under the state directory, made on first use.</summary>
    public static string DataDirectory(this IResource resource, string stateDirectory) =>
        Directory.CreateDirectory(Path.Combine(stateDirectory, resource.Name)).FullName;
}

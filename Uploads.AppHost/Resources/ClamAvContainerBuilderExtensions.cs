namespace Uploads.AppHost.Resources;

public static class ClamAvContainerBuilderExtensions
{
    /// <param name="publishDirectory">Where the manifest is written: the configuration is written beside it, as <c>{name}/clamd.conf</c>.</param>
    public static IResourceBuilder<ClamAvContainerResource> AddClamAv(this IDistributedApplicationBuilder builder, string name, string publishDirectory) =>
        builder.AddResource(new ClamAvContainerResource(name))
            .WithImage(ContainerImages.ClamAv, ContainerImages.ClamAvTag)
            .WithEndpoint(targetPort: 3310, name: "tcp", scheme: "tcp")
            .WithVolume($"{name}-signatures", "/var/lib/clamav")
            .WithBindMount(Path.Combine(publishDirectory, name, "clamd.conf"), "/etc/clamav/clamd.conf", isReadOnly: true)
            // clamd holds the whole signature database in memory: about 1.2 GB with the official one, twice that while reloading it.
            .WithAnnotation(new DeploymentHints(HealthCheck: ["CMD", "clamdcheck.sh"], MemoryLimit: "3Gi", ReachesInternet: true));
}

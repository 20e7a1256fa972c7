namespace Uploads.AppHost.Resources;

public static class ScannerBuilderExtensions
{
    public static IResourceBuilder<ScannerResource> AddScanner(this IDistributedApplicationBuilder builder, string name, string stateDirectory, int? port)
    {
        var scanner = new ScannerResource(name, Directory.CreateDirectory(Path.Combine(stateDirectory, name)).FullName, port ?? FreePorts.Next());
        var configuration = Path.Combine(scanner.Home, "clamd.conf");
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(scanner, async (_, cancellationToken) =>
        {
            if (!File.Exists(scanner.Command))
            {
                throw new InvalidOperationException($"{scanner.Command} is not installed: install Debian's clamav-daemon (./run.sh and ./test.sh do).");
            }

            var database = Directory.CreateDirectory(Path.Combine(scanner.Home, "signatures")).FullName;
            foreach (var signatures in scanner.SignatureFiles)
            {
                File.Copy(signatures, Path.Combine(database, Path.GetFileName(signatures)), overwrite: true);
            }

            await File.WriteAllTextAsync(configuration, $"""
                DatabaseDirectory {database}
                TCPSocket {scanner.Port}
                TCPAddr 127.0.0.1
                Foreground yes
                {(ServiceAccount.IsRoot ? "User root" : "")}
                LogTime yes
                {ScannerResource.StreamLimits}
                """, cancellationToken);
        });
        return builder.AddResource(scanner)
            .WithLocalEndpoint("tcp", "tcp", scanner.Port)
            .WithArgs("--config-file", configuration)
            .WithIconName("ShieldCheckmark")
            .WithProbe(cancellationToken => Probes.ClamdPingAsync(scanner.Endpoint, cancellationToken));
    }

    /// <summary>A signature file (<c>.ndb</c>, <c>.hdb</c>, …) clamd loads.</summary>
    public static IResourceBuilder<ScannerResource> WithSignatures(this IResourceBuilder<ScannerResource> scanner, string path)
    {
        scanner.Resource.SignatureFiles.Add(path);
        return scanner;
    }
}

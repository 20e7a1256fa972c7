using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>
/// Runs Debian's <c>clamd</c> in the foreground with a configuration of its own: TCP on loopback, the signature files
/// the resource names as its database, and stream limits raised to the resource's.
/// </summary>
public sealed class ScannerRunner(ScannerResource scanner, OrchestrationContext context) : ProcessRunner(scanner, context)
{
    const string Clamd = "/usr/sbin/clamd";

    protected override TimeSpan StartTimeout => TimeSpan.FromMinutes(2);

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Clamd))
        {
            throw new ResourceStartException($"{Clamd} is not installed: install Debian's clamav-daemon (./run.sh and ./test.sh do).", "");
        }

        var home = Path.GetFullPath(Context.DataDirectory(Name));
        var database = Directory.CreateDirectory(Path.Combine(home, "signatures")).FullName;
        foreach (var signatures in scanner.SignatureFiles)
        {
            File.Copy(signatures, Path.Combine(database, Path.GetFileName(signatures)), overwrite: true);
        }

        var configuration = Path.Combine(home, "clamd.conf");
        await File.WriteAllTextAsync(configuration, $"""
            DatabaseDirectory {database}
            TCPSocket {scanner.Port}
            TCPAddr 127.0.0.1
            Foreground yes
            {(Posix.IsRoot ? "User root" : "")}
            LogTime yes
            {ScannerResource.StreamLimits}
            """, cancellationToken);
        StartProcess(Clamd, ["--config-file", configuration]);
        await WaitUntilAsync(ct => Probes.ClamdPingAsync(scanner.Port, ct), cancellationToken);
    }
}

using System.Net.Sockets;
using System.Text;
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
            StreamMaxLength {ScannerResource.MaxStreamMegabytes}M
            MaxScanSize {ScannerResource.MaxStreamMegabytes}M
            MaxFileSize {ScannerResource.MaxStreamMegabytes}M
            """, cancellationToken);
        StartProcess(Clamd, ["--config-file", configuration]);
        await WaitUntilAsync(PingAsync, cancellationToken);
    }

    /// <summary>clamd's own health check: <c>PING</c> answered with <c>PONG</c>.</summary>
    async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", scanner.Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("zPING\0"u8.ToArray(), cancellationToken);
            var reply = new byte[16];
            var read = await stream.ReadAsync(reply, cancellationToken);
            return Encoding.ASCII.GetString(reply, 0, read).TrimEnd('\0') == "PONG";
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

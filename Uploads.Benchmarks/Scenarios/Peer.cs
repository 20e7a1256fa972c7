using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Uploads.AppHost;
using Uploads.Tests.Fixtures;
using Uploads.Infrastructure.Storage;

namespace Uploads.Benchmarks.Scenarios;

/// <summary>One round of the peer scenario: Companion's and our upload requests per second, one after the other.</summary>
public sealed record PeerRound(double CompanionPerSecond, double OursPerSecond)
{
    public double Ratio => OursPerSecond / CompanionPerSecond;
}

/// <summary>
/// Uppy Companion (<c>@uppy/companion</c>, pinned in <c>Peer/package-lock.json</c>), started against the stack's own
/// storage and bucket, and measured with the same load generator as our presign: its <c>GET /s3/params</c> signs a POST
/// policy and keeps nothing, ours authenticates the caller, validates, writes the record and signs.
/// </summary>
public sealed class Peer : IAsyncDisposable
{
    const int Callers = 32;
    static readonly string Folder = Path.Combine(AppHostPaths.RepositoryRoot, "Uploads.Benchmarks", "Peer");
    readonly Process process;
    readonly HttpClient http;
    readonly string dataDirectory;

    Peer(Process process, HttpClient http, string dataDirectory)
    {
        this.process = process;
        this.http = http;
        this.dataDirectory = dataDirectory;
    }

    /// <summary>Installs Companion (npm ci, once), starts it on a free port against <paramref name="storage"/>, and waits until it answers.</summary>
    public static async Task<Peer> StartAsync(StackResource storage, CancellationToken cancellationToken)
    {
        await InstallAsync(cancellationToken);
        var connection = StorageConnection.Parse(storage.ConnectionString);
        var port = Uploads.AppHost.Resources.FreePorts.Next();
        var dataDirectory = Directory.CreateTempSubdirectory("uploads-companion-").FullName;
        var start = new ProcessStartInfo("node", [Path.Combine(Folder, "node_modules", "@uppy", "companion", "bin", "companion")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["NODE_ENV"] = "production",
                ["COMPANION_PORT"] = port.ToString(),
                ["COMPANION_DOMAIN"] = $"127.0.0.1:{port}",
                ["COMPANION_PROTOCOL"] = "http",
                ["COMPANION_DATADIR"] = dataDirectory,
                ["COMPANION_SECRET"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                ["COMPANION_CLIENT_ORIGINS"] = "true",
                ["COMPANION_AWS_KEY"] = connection.AccessKey,
                ["COMPANION_AWS_SECRET"] = connection.SecretKey,
                ["COMPANION_AWS_BUCKET"] = BackingServices.Bucket,
                ["COMPANION_AWS_REGION"] = connection.Region,
                ["COMPANION_AWS_ENDPOINT"] = connection.Endpoint.ToString().TrimEnd('/'),
                ["COMPANION_AWS_FORCE_PATH_STYLE"] = "true",
                // Where Companion itself may upload to (its remote providers); /s3/params does not use it, production mode requires it.
                ["COMPANION_UPLOAD_URLS"] = $"^{System.Text.RegularExpressions.Regex.Escape(connection.Endpoint.GetLeftPart(UriPartial.Authority))}/",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        // Its output is read and dropped, so that a full pipe never stalls it.
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Callers }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var peer = new Peer(process, http, dataDirectory);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        while (!await peer.AnswersAsync(deadline.Token))
        {
            if (process.HasExited)
            {
                await peer.DisposeAsync();
                throw new InvalidOperationException($"Companion stopped at start: {await errors}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }

        return peer;
    }

    /// <summary>Companion's signing, then ours, at saturation with the same callers for the same time.</summary>
    public async Task<PeerRound> RoundAsync(BenchmarkClient ours, TimeSpan duration, Action<double> progress)
    {
        var (companion, _) = await Load.SaturateAsync(SignAsync, Callers, duration, d => progress(d / 2));
        var (presign, _) = await Load.SaturateAsync(ct => ours.RequestUploadAsync("bench.csv", 65536, ct), Callers, duration, d => progress(0.5 + d / 2));
        return new PeerRound(companion, presign);
    }

    async Task SignAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/s3/params?filename=bench.csv&type=text%2Fcsv", cancellationToken);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
    }

    async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SignAsync(cancellationToken);
            return true;
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException)
        {
            return false;
        }
    }

    static async Task InstallAsync(CancellationToken cancellationToken)
    {
        var installed = Path.Combine(Folder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
        {
            return;
        }

        using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--prefix", Folder, "--no-audit", "--no-fund", "--loglevel=error"]))
            ?? throw new InvalidOperationException("npm did not start.");
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci of Companion failed ({npm.ExitCode}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(dataDirectory, recursive: true);
    }
}

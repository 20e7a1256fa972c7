using Uploads.AppHost.Resources;
using Uploads.AppHost;
using System.Diagnostics;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Uploads.AppHost.Tokens;
using Uploads.Infrastructure.Security;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.AppHost;

/// <summary>Runs the AppHost as a user does (<c>dotnet run --project Uploads.AppHost</c>), stops it with SIGTERM, runs it again.</summary>
public sealed class AppHostLifecycleTests : IAsyncLifetime
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    readonly string stateDirectory = Directory.CreateTempSubdirectory("uploads-apphost-").FullName;
    readonly int apiPort = FreePorts.Next();
    readonly StringBuilder output = new();

    /// <summary>The AppHost as <c>./run.sh</c> runs it: its own build output.</summary>
    static readonly string AppHost = AppHostPaths.BuildOutput("Uploads.AppHost", "Uploads.Tests", "Uploads.AppHost.dll");

    [Fact]
    public Task Stopping_leaves_no_process_behind_and_a_restart_finds_the_earlier_files() =>
        WithAppHostOutputOnFailure(StopAndRestartAsync);

    [Fact]
    public Task Stopping_during_start_up_leaves_no_process_behind() =>
        WithAppHostOutputOnFailure(StopDuringStartUpAsync);

    [Fact]
    public async Task The_token_command_prints_only_a_token_signed_with_the_key_the_API_is_given()
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { AppHost, "token", "--tenant", "t1", "--user", "u1", "--state-dir", stateDirectory })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var command = Process.Start(startInfo)!;
        var output = await command.StandardOutput.ReadToEndAsync();
        await command.WaitForExitAsync();

        Assert.Equal(0, command.ExitCode);
        var token = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var defaults = new TokenOptions();
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = defaults.Issuer,
            ValidAudience = defaults.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(DevelopmentSigningKey.LoadOrCreate(stateDirectory))),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal("t1", validation.Claims[TokenOptions.TenantClaim]);
        Assert.Equal("u1", validation.Claims[TokenOptions.UserClaim]);
    }

    async Task StopAndRestartAsync()
    {
        var content = UploadsClient.RandomBytes(5000);
        Guid fileId;
        using (var first = await StartAppHostAsync())
        {
            var client = Client();
            fileId = await client.UploadAndConfirmAsync(content);
            await client.WaitForStatusAsync(fileId, FileStatus.Synced);

            var started = ProcessesOf(first);
            Assert.Contains(started, p => p.Command.Contains("dcp", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("postgres", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("beam.smp", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("Uploads.Worker", StringComparison.Ordinal));

            await StopAsync(first);

            Assert.Equal(0, first.ExitCode);
            await NothingLeftAsync(started);
        }

        using (var second = await StartAppHostAsync())
        {
            var client = Client();
            var file = await client.GetFileAsync(fileId);

            Assert.Equal(FileStatus.Synced, file.Status);
            Assert.Equal(UploadsClient.Sha256Of(content), file.Sha256);
            await StopAsync(second);
        }
    }

    async Task StopDuringStartUpAsync()
    {
        using var appHost = LaunchAppHost();
        await Eventually.TrueAsync(
            () => Task.FromResult(ProcessesOf(appHost).Any(p => p.Command.Contains("beam.smp", StringComparison.Ordinal))),
            "the AppHost to be starting RabbitMQ",
            StartTimeout);
        var started = ProcessesOf(appHost);
        // Start-up is still under way: the API waits for the broker, which takes seconds to boot.
        Assert.False(await IsHealthyAsync(), "The API was healthy already: the stop did not land during start-up.");

        await StopAsync(appHost);

        Assert.Equal(0, appHost.ExitCode);
        await NothingLeftAsync([.. started, .. ProcessesOf(appHost)]);
    }

    /// <summary>A failure says what the AppHost printed: which resource exited, and where its log is.</summary>
    async Task WithAppHostOutputOnFailure(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"{ex.Message}\nThe AppHost printed:\n{Output()}", ex);
        }
    }

    async Task<Process> StartAppHostAsync()
    {
        var process = LaunchAppHost();
        await Eventually.TrueAsync(
            async () => process.HasExited ? throw new InvalidOperationException($"The AppHost exited early:\n{Output()}") : await IsHealthyAsync(),
            "the AppHost's API to be healthy",
            StartTimeout);
        return process;
    }

    Process LaunchAppHost()
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            AppHost, "--state-dir", stateDirectory, "--api-port", apiPort.ToString(), "--dashboard-port", FreePorts.Next().ToString(),
            $"--AppHost:Ports:otlp-grpc={FreePorts.Next()}", $"--AppHost:Ports:otlp-http={FreePorts.Next()}",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A client with a token signed by the key this AppHost generated in its state directory.</summary>
    UploadsClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", DevelopmentSigningKey.MintToken(stateDirectory, "lifecycle", "tester", TimeSpan.FromHours(1)));
        return new UploadsClient(http);
    }

    async Task<bool> IsHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await http.GetAsync($"http://127.0.0.1:{apiPort}/health")).IsSuccessStatusCode;
        }
        // Aspire's proxy takes the connection before any replica listens, and holds it.
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as Ctrl+C or a service manager sends it.</summary>
    static async Task StopAsync(Process appHost)
    {
        using (var kill = Process.Start("kill", ["-TERM", appHost.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await appHost.WaitForExitAsync(timeout.Token);
    }

    /// <summary>DCP stops what it runs once the AppHost it watches is gone: within seconds, not at once.</summary>
    static async Task NothingLeftAsync(IReadOnlyList<ProcessInfo> started)
    {
        var survivors = await Eventually.MatchesAsync(
            () => Task.FromResult(started.Where(p => p.IsAlive).Select(p => $"{p.Id} {p.Command}").ToList()),
            alive => alive.Count == 0,
            "every process the AppHost started to be gone",
            TimeSpan.FromMinutes(1));
        Assert.Empty(survivors);
    }

    /// <summary>
    /// Every process the AppHost runs: its own children, and DCP (which detaches, and watches the AppHost with
    /// <c>--monitor PID</c>) with everything DCP started.
    /// </summary>
    static IReadOnlyList<ProcessInfo> ProcessesOf(Process appHost)
    {
        var orchestrators = ProcessTree.All().Where(p => p.Command.Contains($"--monitor {appHost.Id}", StringComparison.Ordinal)).ToList();
        return [.. ProcessTree.DescendantsOf(appHost.Id), .. orchestrators, .. orchestrators.SelectMany(p => ProcessTree.DescendantsOf(p.Id))];
    }

    void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(stateDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Orchestration;
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
    readonly int apiPort = Ports.Free();
    readonly StringBuilder output = new();

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
        foreach (var argument in new[] { AppHostPaths.AppHostAssembly, "token", "--tenant", "t1", "--user", "u1", "--state-dir", stateDirectory })
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

            var started = ProcessTree.DescendantsOf(first.Id);
            Assert.Contains(started, p => p.Command.Contains("postgres", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("beam.smp", StringComparison.Ordinal));
            Assert.Contains(started, p => p.Command.Contains("Uploads.Worker.dll", StringComparison.Ordinal));

            await StopAsync(first);

            Assert.Equal(0, first.ExitCode);
            var survivors = started.Where(p => p.IsAlive).Select(p => $"{p.Id} {p.Command}").ToList();
            Assert.True(survivors.Count == 0, $"Still running after the AppHost stopped:\n{string.Join('\n', survivors)}");
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
            () => Task.FromResult(Output().Contains("[apphost] starting messaging", StringComparison.Ordinal)),
            "the AppHost to be starting RabbitMQ",
            StartTimeout);
        var started = ProcessTree.DescendantsOf(appHost.Id);

        await StopAsync(appHost);

        Assert.Equal(0, appHost.ExitCode);
        var survivors = started.Concat(ProcessTree.DescendantsOf(appHost.Id)).Where(p => p.IsAlive).Select(p => $"{p.Id} {p.Command}").ToList();
        Assert.True(survivors.Count == 0, $"Still running after the AppHost stopped:\n{string.Join('\n', survivors)}");
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
            AppHostPaths.AppHostAssembly, "--state-dir", stateDirectory, "--api-port", apiPort.ToString(),
            "--dashboard-port", Ports.Free().ToString(), "--otlp-port", Ports.Free().ToString(),
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
        catch (HttpRequestException)
        {
            return false;
        }
    }

    async Task StopAsync(Process appHost)
    {
        Posix.Signal(appHost.Id, Posix.SIGTERM);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await appHost.WaitForExitAsync(timeout.Token);
        Assert.Contains("[apphost] stopped", Output());
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

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(stateDirectory, recursive: true);
        return Task.CompletedTask;
    }
}

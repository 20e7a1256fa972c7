using Uploads.AppHost;
using System.Collections.Concurrent;
using System.Diagnostics;
using Uploads.AppHost.Tokens;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The <c>uploads</c> command-line client as a user runs it: its own program, a token of <paramref name="tenant"/> in
/// <c>UPLOADS_TOKEN</c>, the stack's API in <c>UPLOADS_API</c>, and a config directory of its own (where it keeps its state).
/// </summary>
public sealed class CliProcess(UploadsStack stack, string tenant) : IDisposable
{
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The client's own build output, of the same configuration and framework as the tests (…/bin/Debug/net10.0/).</summary>
    static readonly string Program = AppHostPaths.CommandLineClient("Uploads.Tests");

    public string ConfigHome { get; } = Directory.CreateTempSubdirectory("uploads-cli-config-").FullName;

    /// <summary>Runs a command to its end; its output, for a test to read.</summary>
    public Task<CliResult> RunAsync(params string[] arguments) => RunAsync(withCredentials: true, arguments);

    /// <summary>As <see cref="RunAsync(string[])"/>; without credentials, the client has only what <c>uploads login</c> saved.</summary>
    public async Task<CliResult> RunAsync(bool withCredentials, params string[] arguments)
    {
        using var running = Start(withCredentials, arguments);
        using var timeout = new CancellationTokenSource(RunTimeout);
        await running.Process.WaitForExitAsync(timeout.Token);
        return new CliResult(running.Process.ExitCode, running.Output, running.Errors);
    }

    /// <summary>Runs a command without credentials, <paramref name="input"/> on its standard input (a token a user pipes in).</summary>
    public async Task<CliResult> RunWithInputAsync(string input, params string[] arguments)
    {
        using var running = Start(withCredentials: false, arguments, input);
        using var timeout = new CancellationTokenSource(RunTimeout);
        await running.Process.WaitForExitAsync(timeout.Token);
        return new CliResult(running.Process.ExitCode, running.Output, running.Errors);
    }

    /// <summary>Starts a command and leaves it running (<c>watch</c>, or a push to be killed).</summary>
    public RunningCli Start(params string[] arguments) => Start(withCredentials: true, arguments);

    RunningCli Start(bool withCredentials, string[] arguments, string? input = null)
    {
        var startInfo = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["XDG_CONFIG_HOME"] = ConfigHome,
                ["NO_COLOR"] = "1",
            },
        };
        if (withCredentials)
        {
            startInfo.Environment["UPLOADS_API"] = stack.Resources.Api.Url;
            startInfo.Environment["UPLOADS_TOKEN"] = Token();
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        return new RunningCli(process);
    }

    public string Token() => DevelopmentSigningKey.MintToken(stack.StateDirectory, tenant, "cli", TimeSpan.FromHours(1));

    public void Dispose() => Directory.Delete(ConfigHome, recursive: true);
}

public sealed record CliResult(int ExitCode, string Output, string Errors);

/// <summary>A running client, its output lines collected as they come.</summary>
public sealed class RunningCli : IDisposable
{
    readonly ConcurrentQueue<string> lines = new();
    readonly ConcurrentQueue<string> errors = new();

    public RunningCli(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Add(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Add(errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output => string.Join('\n', lines);

    public string Errors => string.Join('\n', errors);

    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() => Task.FromResult(Printed(text) || Process.HasExited), $"the client to print '{text}'", timeout);
        if (!Printed(text))
        {
            Assert.Fail($"The client exited with {Process.ExitCode} before printing '{text}':\n{Output}\n{Errors}");
        }
    }

    bool Printed(string text) => lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>SIGKILL: the client gets no chance to save or clean up anything.</summary>
    public void Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Kill();
        }

        Process.Dispose();
    }

    static void Add(ConcurrentQueue<string> queue, string? line)
    {
        if (line is not null)
        {
            queue.Enqueue(line);
        }
    }
}

using System.Diagnostics;

namespace Uploads.AppHost.Orchestration;

/// <summary>
/// A child process in a session of its own (<c>setsid</c>), so that stopping it reaches every process it started
/// (RabbitMQ's shell, Erlang VM and port programs; PostgreSQL's backends). Output goes to a log file and a short in-memory tail.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    const int TailLines = 200;
    readonly Process process;
    readonly StreamWriter log;
    readonly Queue<string> tail = new();
    readonly Action<string>? onLine;
    readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int id;
    bool disposed;

    ManagedProcess(Process process, StreamWriter log, Action<string>? onLine)
    {
        this.process = process;
        this.log = log;
        this.onLine = onLine;
    }

    /// <summary>The child's process id, which is also its process group and session id.</summary>
    public int Id => id;
    public bool HasExited => exited.Task.IsCompleted;
    public Task<int> Exited => exited.Task;

    /// <param name="onLine">Called with each line of output, as it comes (the dashboard's live console).</param>
    public static ManagedProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        string logPath,
        string? workingDirectory = null,
        Action<string>? onLine = null)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        startInfo.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, log, onLine);
        process.OutputDataReceived += (_, e) => managed.Write(e.Data);
        process.ErrorDataReceived += (_, e) => managed.Write(e.Data);
        process.Exited += (_, _) => managed.OnExited();

        process.Start();
        managed.id = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    public string Tail()
    {
        lock (tail)
        {
            return string.Join(Environment.NewLine, tail);
        }
    }

    /// <summary>Asks the whole process group to stop with <paramref name="signal"/>; kills what is left after <paramref name="grace"/>.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!HasExited)
        {
            Posix.SignalGroup(id, signal);
            await Task.WhenAny(exited.Task, Task.Delay(grace));
        }

        await KillAsync();
    }

    /// <summary>SIGKILL to the whole group: what a crash looks like.</summary>
    public async Task KillAsync()
    {
        Posix.SignalGroup(id, Posix.SIGKILL);
        await exited.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await KillAsync();
        process.Dispose();
        lock (tail)
        {
            log.Dispose();
        }
    }

    void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (tail)
        {
            if (disposed)
            {
                return;
            }

            log.WriteLine(line);
            tail.Enqueue(line);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
            }
        }

        onLine?.Invoke(line);
    }

    void OnExited()
    {
        // Output events may still be draining; WaitForExit() without a timeout waits for them.
        process.WaitForExit();
        exited.TrySetResult(process.ExitCode);
    }
}

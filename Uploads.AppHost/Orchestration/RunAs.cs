namespace Uploads.AppHost.Orchestration;

/// <summary>Runs a command as a service account when the AppHost runs as root (PostgreSQL refuses to run as root).</summary>
static class RunAs
{
    /// <summary><c>setpriv</c> execs the command in place (no extra process), so the process id stays the server's own.</summary>
    public static (string FileName, IEnumerable<string> Arguments) User(string user, string fileName, IEnumerable<string> arguments) =>
        Posix.IsRoot
            ? ("setpriv", ["--reuid=" + user, "--regid=" + user, "--init-groups", "--", fileName, .. arguments])
            : (fileName, arguments);

    public static async Task ChownAsync(string user, string path)
    {
        if (!Posix.IsRoot)
        {
            return;
        }

        using var chown = System.Diagnostics.Process.Start("chown", ["-R", $"{user}:{user}", path]);
        await chown.WaitForExitAsync();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R {user} {path} failed with code {chown.ExitCode}.");
        }
    }

    /// <summary>Whether <paramref name="user"/>'s processes can reach <paramref name="path"/> through every parent folder.</summary>
    public static bool CanTraverse(string path)
    {
        for (var directory = new DirectoryInfo(path).Parent; directory is not null; directory = directory.Parent)
        {
            if (!directory.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }
}

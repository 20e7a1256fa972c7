namespace Uploads.AppHost.Resources;

/// <summary>Runs a server as a service account when the AppHost runs as root (PostgreSQL refuses to run as root).</summary>
static class ServiceAccount
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary><c>setpriv</c> execs the command in place (no extra process), so the process is the server itself.</summary>
    public static string[] Wrap(string user, params string[] command) =>
        IsRoot ? ["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", .. command] : command;

    public static async Task ChownAsync(string user, string path, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        using var chown = System.Diagnostics.Process.Start("chown", ["-R", $"{user}:{user}", path]);
        await chown.WaitForExitAsync(cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R {user} {path} failed with code {chown.ExitCode}.");
        }
    }

    /// <summary>Whether other users' processes can reach <paramref name="path"/> through every parent folder.</summary>
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

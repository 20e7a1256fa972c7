using System.Runtime.InteropServices;

namespace Uploads.AppHost.Orchestration;

static partial class Posix
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool IsRoot => GetEffectiveUserId() == 0;

    public static bool Signal(int processId, int signal) => Kill(processId, signal) == 0;

    /// <summary>Signals every process of the group led by <paramref name="processGroupId"/>. False when none is left.</summary>
    public static bool SignalGroup(int processGroupId, int signal) => Kill(-processGroupId, signal) == 0;
}

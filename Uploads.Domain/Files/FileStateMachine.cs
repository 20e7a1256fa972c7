namespace Uploads.Domain.Files;

/// <summary>
/// The one place that says how a file may move between states.
/// <see cref="FileRecord"/> asks it before every transition.
/// </summary>
public static class FileStateMachine
{
    static readonly Dictionary<FileStatus, FileStatus[]> Allowed = new()
    {
        [FileStatus.Pending] = [FileStatus.Uploaded, FileStatus.Expired],
        [FileStatus.Uploaded] = [FileStatus.Syncing, FileStatus.Failed],
        // Syncing → Syncing is a new claim: a retry of the same message, or a take-over after the holder's lease ran out.
        [FileStatus.Syncing] = [FileStatus.Syncing, FileStatus.Synced, FileStatus.Failed],
        [FileStatus.Synced] = [],
        [FileStatus.Failed] = [],
        [FileStatus.Expired] = [],
    };

    public static bool CanMove(FileStatus from, FileStatus to) => Allowed[from].Contains(to);

    public static bool IsTerminal(FileStatus status) => Allowed[status].Length == 0;
}

public sealed class InvalidFileTransitionException(Guid fileId, FileStatus from, FileStatus to)
    : InvalidOperationException($"File {fileId} cannot move from {from} to {to}.")
{
    public FileStatus From { get; } = from;
    public FileStatus To { get; } = to;
}

namespace Uploads.Domain.Files;

/// <summary>
/// What claiming a file for a sync writes, from either state <see cref="FileRules.ClaimableAt"/> admits: the file becomes
/// SYNCING under the attempt's token and lease, the move is recorded (a take-over, from SYNCING, says so), and the
/// reconciler leaves the file alone for a while, even between two retries of this attempt. <see cref="FileRecord.StartSync"/>
/// applies it in memory; the worker writes the same in one statement, guarded by the same rule.
/// </summary>
public sealed record SyncClaimMove(Guid Token, DateTimeOffset LeaseExpiresAt, DateTimeOffset At, string? TraceId)
{
    public const string TakeOverReason = "taken back after its lease ran out";

    /// <summary>The state every claim moves to.</summary>
    public FileStatus Status => FileStatus.Syncing;

    /// <summary>Each state a claimable file may be in, and the reason its move records (a test holds them to the state machine).</summary>
    public static readonly IReadOnlyDictionary<FileStatus, string?> ReasonByPreviousState = new Dictionary<FileStatus, string?>
    {
        [FileStatus.Uploaded] = null,
        [FileStatus.Syncing] = TakeOverReason,
    };

    /// <summary>A claim under <paramref name="token"/> until <paramref name="leaseExpiresAt"/>, made at <paramref name="now"/>, in the current trace.</summary>
    public static SyncClaimMove Describe(Guid token, DateTimeOffset leaseExpiresAt, DateTimeOffset now) =>
        new(token, FileRecord.Stored(leaseExpiresAt), FileRecord.Stored(now), FileRecord.CurrentTraceId());

    public string? ReasonFrom(FileStatus previous) => ReasonByPreviousState.TryGetValue(previous, out var reason)
        ? reason
        : throw new InvalidOperationException($"A file in {previous} is never claimable.");
}

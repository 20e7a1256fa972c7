namespace Uploads.Domain.Derivatives;

/// <summary>
/// The life of a file's thumbnails, preview and metadata, a step after SYNCED with a state of its own: a picture that
/// cannot be read fails this step, never the file. <see cref="DerivativesStateMachine"/> says which moves are allowed.
/// </summary>
public enum DerivativesStatus
{
    /// <summary>Nothing is made for this kind of file (or the file is not SYNCED).</summary>
    None,
    Pending,
    /// <summary>A worker holds the file under a claim and a lease, as a sync does; the API shows it as pending.</summary>
    Making,
    Ready,
    Failed,
}

/// <summary>The one place that says how a file's derivatives may move between states.</summary>
public static class DerivativesStateMachine
{
    static readonly Dictionary<DerivativesStatus, DerivativesStatus[]> Allowed = new()
    {
        [DerivativesStatus.None] = [DerivativesStatus.Pending],
        // Pending → Failed: every attempt was spent (a worker died on each one) before any could finish.
        [DerivativesStatus.Pending] = [DerivativesStatus.Making, DerivativesStatus.Failed],
        // Making → Making is a new claim: a retry, or a take-over after the holder's lease ran out.
        [DerivativesStatus.Making] = [DerivativesStatus.Making, DerivativesStatus.Ready, DerivativesStatus.Failed],
        [DerivativesStatus.Ready] = [],
        [DerivativesStatus.Failed] = [],
    };

    public static bool CanMove(DerivativesStatus from, DerivativesStatus to) => Allowed[from].Contains(to);

    /// <summary>The lower-case word the API shows: a step in hand is still <c>pending</c> to a client.</summary>
    public static string PublicName(DerivativesStatus status) => status switch
    {
        DerivativesStatus.Making => "pending",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static readonly IReadOnlyList<string> PublicNames = ["pending", "ready", "failed", "none"];
}

public sealed class InvalidDerivativesTransitionException(Guid fileId, DerivativesStatus from, DerivativesStatus to)
    : InvalidOperationException($"The derivatives of file {fileId} cannot move from {from} to {to}.");

using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;

namespace Uploads.Api.Events;

/// <param name="FileId">The file.</param>
/// <param name="Status">The state the file moved to.</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, for FAILED and EXPIRED and for a sync taken back.</param>
public sealed record FileStatusEvent(Guid FileId, FileStatus Status, DateTimeOffset At, string? Reason);

/// <summary>
/// A file's transitions as server-sent events: its current state first (or, for a client that reconnects with the id of
/// the last event it saw, every transition since), then each move, until a terminal state.
/// </summary>
public sealed class FileEvents(UploadsDatabases databases, TransitionNotifications notifications)
{
    /// <summary>How long a browser waits before reconnecting a dropped stream (the <c>retry:</c> field).</summary>
    static readonly TimeSpan Reconnection = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The file's events; null when <paramref name="tenantId"/> has no such file. After <paramref name="lastEventId"/>
    /// (a transition of this file), the events since it; an id of another file or tenant is ignored.
    /// </summary>
    public async Task<EventStreamOpening?> OpenAsync(string tenantId, Guid fileId, long? lastEventId, CancellationToken cancellationToken)
    {
        // Watch before reading, so that a transition between the read and the first wait is not missed.
        var watch = notifications.WatchFile(fileId);
        try
        {
            var resumed = lastEventId is { } after ? await ReadSinceAsync(tenantId, fileId, after, cancellationToken) : null;
            var pending = resumed ?? await ReadAsync(tenantId, fileId, afterId: null, cancellationToken);
            if (pending.Count == 0)
            {
                watch.Dispose();
                return null;
            }

            var (seen, unseen) = resumed is null ? (pending[^1], pending) : (pending[0], pending[1..]);
            if (unseen.Count == 0 && FileStateMachine.IsTerminal(seen.Status))
            {
                watch.Dispose();
                return new EventStreamOpening(null);
            }

            return new EventStreamOpening(StreamAsync(tenantId, fileId, watch, unseen, seen, cancellationToken));
        }
        catch
        {
            watch.Dispose();
            throw;
        }
    }

    async IAsyncEnumerable<SseItem<FileStatusEvent>> StreamAsync(
        string tenantId,
        Guid fileId,
        TransitionNotifications.Watch watch,
        IReadOnlyList<TransitionNotice> unseen,
        TransitionNotice last,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (watch)
        {
            var first = true;
            foreach (var transition in unseen)
            {
                last = transition;
                yield return Item(transition, first);
                first = false;
            }

            while (!FileStateMachine.IsTerminal(last.Status))
            {
                var change = await watch.WaitForChangeAsync(cancellationToken);
                var next = (change.LookAgain ? null : TransitionNotice.FollowingOn(last, change.Notices))
                    ?? await ReadAsync(tenantId, fileId, last.Id, cancellationToken);
                foreach (var transition in next)
                {
                    last = transition;
                    yield return Item(transition, first);
                    first = false;
                }
            }
        }
    }

    /// <summary>The transitions after <paramref name="afterId"/> in order, or, without it, only the latest.</summary>
    async Task<List<TransitionNotice>> ReadAsync(string tenantId, Guid fileId, long? afterId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var transitions = Transitions(db, fileId);
        return afterId is { } after
            ? await transitions.Where(t => t.Id > after).OrderBy(t => t.Id).Select(TransitionNotice.OfRow).ToListAsync(cancellationToken)
            : await transitions.OrderByDescending(t => t.Id).Take(1).Select(TransitionNotice.OfRow).ToListAsync(cancellationToken);
    }

    /// <summary>The transition <paramref name="lastEventId"/> and those after it; null when it is not one of this file's.</summary>
    async Task<List<TransitionNotice>?> ReadSinceAsync(string tenantId, Guid fileId, long lastEventId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var since = await Transitions(db, fileId).Where(t => t.Id >= lastEventId).OrderBy(t => t.Id).Select(TransitionNotice.OfRow).ToListAsync(cancellationToken);
        return since is [{ } seen, ..] && seen.Id == lastEventId ? since : null;
    }

    /// <summary>Through the tenant's files, so that even these queries cannot reach another tenant's history.</summary>
    static IQueryable<FileTransition> Transitions(UploadsDbContext db, Guid fileId) =>
        db.FileTransitions.AsNoTracking().Where(t => t.FileId == fileId && db.Files.Any(f => f.Id == fileId));

    static SseItem<FileStatusEvent> Item(TransitionNotice transition, bool first) =>
        new(new FileStatusEvent(transition.FileId, transition.Status, transition.At, transition.Reason), "status")
        {
            EventId = transition.Id.ToString(),
            ReconnectionInterval = first ? Reconnection : null,
        };
}

/// <param name="Events">The events to stream; null when the client already saw the file's last one (answer 204).</param>
public sealed record EventStreamOpening(IAsyncEnumerable<SseItem<FileStatusEvent>>? Events);

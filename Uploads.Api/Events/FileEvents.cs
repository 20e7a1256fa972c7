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

/// <summary>A file's transitions as server-sent events: its current state first, then each move, until a terminal state.</summary>
public sealed class FileEvents(UploadsDatabases databases, TransitionNotifications notifications)
{
    /// <summary>
    /// The file's events, starting with its current state; or null when <paramref name="tenantId"/> has no such file.
    /// One query answers both, since every read goes through the tenant's files.
    /// </summary>
    public async Task<IAsyncEnumerable<SseItem<FileStatusEvent>>?> OpenAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        // Watch before reading, so that a transition between the read and the first wait is not missed.
        var watch = notifications.WatchFile(fileId);
        try
        {
            var current = await ReadAsync(tenantId, fileId, afterId: null, cancellationToken);
            if (current.Count == 0)
            {
                watch.Dispose();
                return null;
            }

            return StreamAsync(tenantId, fileId, watch, current[^1], cancellationToken);
        }
        catch
        {
            watch.Dispose();
            throw;
        }
    }

    async IAsyncEnumerable<SseItem<FileStatusEvent>> StreamAsync(
        string tenantId, Guid fileId, TransitionNotifications.Watch watch, FileTransition last, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (watch)
        {
            yield return Item(last);
            while (!FileStateMachine.IsTerminal(last.Status))
            {
                await watch.WaitForChangeAsync(cancellationToken);
                foreach (var transition in await ReadAsync(tenantId, fileId, last.Id, cancellationToken))
                {
                    last = transition;
                    yield return Item(transition);
                }
            }
        }
    }

    /// <summary>The transitions after <paramref name="afterId"/> in order, or, without it, only the latest.</summary>
    async Task<List<FileTransition>> ReadAsync(string tenantId, Guid fileId, long? afterId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        // Through the tenant's files, so that even this query cannot reach another tenant's history.
        var transitions = db.FileTransitions.AsNoTracking().Where(t => t.FileId == fileId && db.Files.Any(f => f.Id == fileId));
        return afterId is { } after
            ? await transitions.Where(t => t.Id > after).OrderBy(t => t.Id).ToListAsync(cancellationToken)
            : await transitions.OrderByDescending(t => t.Id).Take(1).ToListAsync(cancellationToken);
    }

    static SseItem<FileStatusEvent> Item(FileTransition transition) =>
        new(new FileStatusEvent(transition.FileId, transition.Status, transition.At, transition.Reason), "status")
        {
            EventId = transition.Id.ToString(),
        };
}

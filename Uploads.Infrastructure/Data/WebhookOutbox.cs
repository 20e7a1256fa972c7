using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;
using Uploads.Domain.Webhooks;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// Our outbox: every save that stores a transition webhooks announce (SYNCED, FAILED, EXPIRED, derivatives READY) stores its message in the
/// same transaction, whichever process and code path made the move. A save that fails stores neither.
/// </summary>
public sealed class WebhookOutbox : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Announce(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Announce(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Adds the messages of the transitions <paramref name="context"/> is about to save, once each.</summary>
    internal static void Announce(DbContext? context)
    {
        if (context is not UploadsDbContext db)
        {
            return;
        }

        var files = db.ChangeTracker.Entries<FileRecord>().Select(entry => entry.Entity).ToDictionary(file => file.Id);
        var announced = db.ChangeTracker.Entries<WebhookMessage>()
            .Where(entry => entry.State == EntityState.Added)
            .Select(entry => (entry.Entity.FileId, entry.Entity.EventType))
            .ToHashSet();
        // Read whole before adding: adding a message changes the tracker being enumerated.
        var transitions = db.ChangeTracker.Entries<FileTransition>().Where(entry => entry.State == EntityState.Added)
            .Select(entry => (entry.Entity.FileId, entry.Entity.At, EventType: WebhookEventTypes.ForTransitionTo(entry.Entity.Status)))
            .Concat(db.ChangeTracker.Entries<DerivativesTransition>().Where(entry => entry.State == EntityState.Added)
                .Select(entry => (entry.Entity.FileId, entry.Entity.At, EventType: WebhookEventTypes.ForDerivativesTransitionTo(entry.Entity.Status))))
            .ToList();
        foreach (var (fileId, at, eventType) in transitions)
        {
            // A save tried again on the same context already holds the message of its transition.
            if (eventType is not null && files.TryGetValue(fileId, out var file) && announced.Add((file.Id, eventType)))
            {
                db.WebhookMessages.Add(WebhookMessage.ForFile(Guid.CreateVersion7(at), file.TenantId, eventType, file.Id, at, Activity.Current?.Id));
            }
        }
    }
}

using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// Counts files entering each state, from the transitions a save committed: a save that fails (a lost race) counts
/// nothing. SYNCED, FAILED and EXPIRED are the terminal states.
/// </summary>
public sealed class FileTransitionMetrics : SaveChangesInterceptor
{
    public const string MeterName = "Uploads.Files";
    readonly Counter<long> transitions;
    readonly ConditionalWeakTable<DbContext, FileStatus[]> saving = [];

    public FileTransitionMetrics(IMeterFactory meterFactory)
    {
        transitions = meterFactory.Create(MeterName).CreateCounter<long>(
            "uploads.files.transitions", unit: "{file}", description: "Files that entered a state, by the state they entered.");
    }

    /// <summary>Counts a file that entered <paramref name="status"/> by a statement of its own, outside any save.</summary>
    public void Entered(FileStatus status) =>
        transitions.Add(1, new KeyValuePair<string, object?>("uploads.file.status", StatusNames.ToName(status)));

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            var added = context.ChangeTracker.Entries<FileTransition>()
                .Where(entry => entry.State == EntityState.Added)
                .Select(entry => entry.Entity.Status)
                .ToArray();
            saving.AddOrUpdate(context, added);
        }

        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && saving.TryGetValue(context, out var committed))
        {
            saving.Remove(context);
            foreach (var status in committed)
            {
                Entered(status);
            }
        }

        return ValueTask.FromResult(result);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            saving.Remove(context);
        }

        return Task.CompletedTask;
    }
}

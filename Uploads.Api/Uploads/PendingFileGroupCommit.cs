using Microsoft.Extensions.Options;
using Uploads.Domain.Files;

namespace Uploads.Api.Uploads;

/// <summary>
/// Group commit of new PENDING files: each group is stored in one statement. A caller is answered only when its row is
/// durable, so no URL is ever signed for a file without a record; when a group's write fails, every caller in it fails
/// with <see cref="GroupCommitFailedException"/>.
/// </summary>
public sealed class PendingFileGroupCommit(UploadRecords records, IOptions<UploadOptions> options, ILogger<PendingFileGroupCommit> logger)
    : GroupCommit<FileRecord, bool>(options.Value.GroupCommitMaxFiles, options.Value.GroupCommitWriters, logger)
{
    /// <summary>
    /// Stores the file with the next group; false when its declared digest is already PENDING in another file (nothing
    /// was stored). A caller that gives up waiting may still find its file stored, PENDING, to expire unused.
    /// </summary>
    public Task<bool> StoreAsync(FileRecord file, CancellationToken cancellationToken) => WriteWithNextGroupAsync(file).WaitAsync(cancellationToken);

    protected override async Task WriteGroupAsync(IReadOnlyList<GroupedWrite<FileRecord, bool>> group, CancellationToken cancellationToken)
    {
        switch (await records.InsertPendingGroupAsync(group.Select(write => write.Item).ToList(), cancellationToken))
        {
            case GroupInsert.Stored:
                foreach (var write in group)
                {
                    write.Outcome.TrySetResult(true);
                }

                break;
            case GroupInsert.Collided:
                // A declared digest is PENDING already (perhaps twice in this very group), or a retried commit
                // had landed: each alone learns whether it is stored.
                await Task.WhenAll(group.Select(write => WriteAloneAsync(write, cancellationToken)));
                break;
        }
    }

    async Task WriteAloneAsync(GroupedWrite<FileRecord, bool> write, CancellationToken cancellationToken)
    {
        try
        {
            write.Outcome.TrySetResult(await records.InsertPendingAsync(write.Item, cancellationToken) is not null);
        }
        catch (Exception ex)
        {
            write.Outcome.TrySetException(new GroupCommitFailedException("The upload request was not stored.", ex));
        }
    }
}

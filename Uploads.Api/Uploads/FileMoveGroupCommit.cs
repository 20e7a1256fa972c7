using Microsoft.Extensions.Options;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Uploads;

/// <summary>
/// Group commit of files' moves (<see cref="FileMoveWriter.TrySaveAllAsync"/>): the confirmations that finish their
/// checks while a group is being written share the next round trip and commit. A caller learns what
/// <see cref="FileMoveWriter.TrySaveAsync"/> would have told it; when a group's write fails, each of its moves is written
/// again alone, so that one move's error is its own caller's.
/// </summary>
public sealed class FileMoveGroupCommit(FileMoveWriter moves, IOptions<UploadOptions> options, ILogger<FileMoveGroupCommit> logger)
    : GroupCommit<FileMove, bool>(options.Value.GroupCommitMaxFiles, options.Value.GroupCommitWriters, logger)
{
    /// <summary>
    /// Saves the move tracked on <paramref name="db"/> with the next group: false, with nothing written, when the file changed
    /// since it was read. It takes no token: the group writes with the caller's context, so the caller waits for the
    /// answer before it lets the context go.
    /// </summary>
    public Task<bool> TrySaveAsync(UploadsDbContext db, FileRecord file) => WriteWithNextGroupAsync(new FileMove(db, file));

    protected override async Task WriteGroupAsync(IReadOnlyList<GroupedWrite<FileMove, bool>> group, CancellationToken cancellationToken)
    {
        // Two moves of one file never share a batch: the later one goes in a batch of its own, and finds the file changed.
        var batches = group.GroupBy(write => write.Item.File.Id)
            .SelectMany(ofOneFile => ofOneFile.Select((write, turn) => (write, turn)))
            .GroupBy(entry => entry.turn, entry => entry.write)
            .Select(batch => batch.ToList());
        foreach (var batch in batches)
        {
            try
            {
                var saved = await moves.TrySaveAllAsync(batch.Select(write => write.Item).ToList(), cancellationToken);
                foreach (var (write, index) in batch.Select((write, index) => (write, index)))
                {
                    write.Outcome.TrySetResult(saved[index]);
                }
            }
            catch (Exception ex) when (batch.Count == 1)
            {
                batch[0].Outcome.TrySetException(ex);
            }
            catch (Exception)
            {
                await Task.WhenAll(batch.Select(write => WriteAloneAsync(write, cancellationToken)));
            }
        }
    }

    async Task WriteAloneAsync(GroupedWrite<FileMove, bool> write, CancellationToken cancellationToken)
    {
        try
        {
            write.Outcome.TrySetResult(await moves.TrySaveAsync(write.Item.Db, write.Item.File, cancellationToken));
        }
        catch (Exception ex)
        {
            write.Outcome.TrySetException(ex);
        }
    }
}

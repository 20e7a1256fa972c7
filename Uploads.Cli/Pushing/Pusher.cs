using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Uploads.Cli.Api;

namespace Uploads.Cli.Pushing;

/// <summary>
/// One push of a folder into a batch, as a pipeline of bounded stages, so that memory stays flat whatever the folder:
/// enumerate and hash (every core) → ask the API for the batch's uploads (up to 500 files a call) → send to storage
/// (<c>parallel</c> transfers at once, files and parts alike) → confirm (100 files a call) → follow the batch until the
/// files of this push settled.
/// </summary>
public sealed class Pusher(UploadsClient api, PushState state, PushProgress progress, int parallel)
{
    const int FilesPerRequest = 500;
    const int FilesPerConfirmation = 100;
    const int HashBufferBytes = 1024 * 1024;
    static readonly TimeSpan GatheringWindow = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Pauses before confirming again a file storage accepted but the API did not find (storage may lag).</summary>
    static readonly TimeSpan[] MissingObjectRetryDelays = [TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    /// <summary>
    /// How long the push follows its batch while none of its files settles: then it stops and reports the files still
    /// waiting, with their states, rather than wait without a bound.
    /// </summary>
    public static readonly TimeSpan FollowPatience = TimeSpan.FromMinutes(5);

    readonly ConcurrentDictionary<Guid, LocalFile> pushed = new();

    /// <summary>Pushes <paramref name="files"/> (enumerated lazily, once) into the batch named <paramref name="batchName"/>.</summary>
    public async Task<PushResult> PushAsync(IEnumerable<LocalFile> files, string batchName, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = failed.Token;
        var hashed = Channel.CreateBounded<HashedFile>(FilesPerRequest * 2);
        var tickets = Channel.CreateBounded<Ticketed>(parallel * 4);
        var confirmations = Channel.CreateBounded<Ticketed>(FilesPerConfirmation * 2);
        using var transfers = new StorageTransfers(progress.Sent);
        using var slots = new SemaphoreSlim(parallel);

        // Each stage completes the channel it writes, with its exception if it failed, and the first failure stops them all.
        async Task Stage(Func<Task> run, ChannelWriter<Ticketed>? output = null, ChannelWriter<HashedFile>? hashedOutput = null)
        {
            try
            {
                await run();
                output?.TryComplete();
                hashedOutput?.TryComplete();
            }
            catch (Exception ex)
            {
                output?.TryComplete(ex);
                hashedOutput?.TryComplete(ex);
                await failed.CancelAsync();
                throw;
            }
        }

        using var saving = new Timer(_ => _ = state.SaveAsync(CancellationToken.None), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var stages = new[]
        {
            Stage(() => HashAsync(files, hashed.Writer, token), hashedOutput: hashed.Writer),
            Stage(() => RequestAsync(batchName, hashed.Reader, tickets.Writer, token), output: tickets.Writer),
            Stage(() => Task.WhenAll(Enumerable.Range(0, parallel * 2).Select(_ => SendAsync(tickets.Reader, confirmations.Writer, transfers, slots, token))), output: confirmations.Writer),
            Stage(() => ConfirmAsync(confirmations.Reader, token)),
        };
        try
        {
            await Task.WhenAll(stages);
            if (state.BatchId is { } batchId)
            {
                await FollowAsync(batchId, token);
            }
        }
        finally
        {
            await saving.DisposeAsync();
            await state.SaveAsync(CancellationToken.None);
        }

        return new PushResult(state.BatchId, progress);
    }

    async Task HashAsync(IEnumerable<LocalFile> files, ChannelWriter<HashedFile> output, CancellationToken cancellationToken)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(files, options, async (file, token) =>
        {
            progress.Found(file);
            var known = state.Find(file);
            if (known is { Synced: true })
            {
                progress.Skipped();
                return;
            }

            string sha256;
            try
            {
                sha256 = known?.Sha256 ?? await HashFileAsync(file, token);
            }
            catch (IOException ex)
            {
                // Gone, replaced by a link or a pipe, or changed since it was found: this file fails alone, with why.
                progress.Failed(file, null, ex.Message);
                return;
            }

            if (known is null)
            {
                state.Hashed(file, sha256);
            }

            progress.Hashed(file);
            await output.WriteAsync(new HashedFile(file, sha256, known?.FileId), token);
        });
    }

    static async Task<string> HashFileAsync(LocalFile file, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(HashBufferBytes);
        try
        {
            await using var stream = file.OpenRead();
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    async Task RequestAsync(string batchName, ChannelReader<HashedFile> input, ChannelWriter<Ticketed> output, CancellationToken cancellationToken)
    {
        var chunk = new List<HashedFile>(FilesPerRequest);
        while (await input.WaitToReadAsync(cancellationToken))
        {
            using (var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                window.CancelAfter(GatheringWindow);
                try
                {
                    while (chunk.Count < FilesPerRequest && await input.WaitToReadAsync(window.Token))
                    {
                        while (chunk.Count < FilesPerRequest && input.TryRead(out var file))
                        {
                            chunk.Add(file);
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The window closed: send what was gathered.
                }
            }

            foreach (var ticketed in await TicketsAsync(batchName, chunk, cancellationToken))
            {
                await output.WriteAsync(ticketed, cancellationToken);
            }

            chunk.Clear();
        }
    }

    /// <summary>The API's answer for each file; a chunk the API refuses as invalid is asked again file by file, to single out the refused ones.</summary>
    async Task<IReadOnlyList<Ticketed>> TicketsAsync(string batchName, IReadOnlyList<HashedFile> chunk, CancellationToken cancellationToken)
    {
        try
        {
            var request = chunk.Select(f => new FileToUpload(Path.GetFileName(f.File.RelativePath), f.File.ExternalId, f.File.Size, f.Sha256)).ToList();
            var ticket = state.BatchId is { } batchId
                ? await api.AddToBatchAsync(batchId, request, cancellationToken)
                : await api.OpenBatchAsync(batchName, request, cancellationToken);
            state.BatchId = ticket.BatchId;
            return [.. ticket.Files.Select(t => new Ticketed(chunk[t.Index], t))];
        }
        catch (ApiException ex) when (ex.Problem?.Status == 400 && chunk.Count > 1)
        {
            var tickets = new List<Ticketed>(chunk.Count);
            foreach (var file in chunk)
            {
                tickets.AddRange(await TicketsAsync(batchName, [file], cancellationToken));
            }

            return tickets;
        }
        catch (ApiException ex) when (ex.Problem?.Status is 400 or 413 or 415)
        {
            progress.Failed(chunk[0].File, null, ex.Message);
            return [];
        }
    }

    async Task SendAsync(
        ChannelReader<Ticketed> input, ChannelWriter<Ticketed> confirmations, StorageTransfers transfers, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        await foreach (var ticketed in input.ReadAllAsync(cancellationToken))
        {
            var (hashed, ticket) = ticketed;
            var file = hashed.File;
            if (ticket.Error is { } error)
            {
                progress.Failed(file, null, $"{error.Code}: {error.Detail}");
                continue;
            }

            var fileId = ticket.FileId!.Value;
            pushed[fileId] = file;
            state.Update(file, known => known.FileId = fileId);
            if (ticket.Deduplicated)
            {
                progress.Deduplicated();
                continue;
            }

            try
            {
                if (ticket.Upload is { Status: "PENDING" } single)
                {
                    await SendSingleAsync(ticketed, single, confirmations, transfers, slots, cancellationToken);
                }
                else if (ticket.Multipart is { Status: "PENDING" } multipart)
                {
                    await SendPartsAsync(ticketed, multipart, transfers, slots, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is StorageRefusedException or ApiException or IOException)
            {
                progress.Failed(file, fileId, ex.Message);
            }
        }
    }

    async Task SendSingleAsync(Ticketed ticketed, UploadTicket single, ChannelWriter<Ticketed> confirmations, StorageTransfers transfers, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var file = ticketed.Hashed.File;
        // Asked for before (an interrupted push): storage may hold it already, and confirming says so without sending it twice.
        if (ticketed.Hashed.KnownFileId == single.FileId
            && (await api.ConfirmAsync([(single.FileId, file.Size)], cancellationToken)).Results is [{ Error: null }])
        {
            return;
        }

        await slots.WaitAsync(cancellationToken);
        try
        {
            progress.Sending(file);
            await transfers.PutFileAsync(single, file, cancellationToken);
            progress.SentFile(file);
        }
        finally
        {
            slots.Release();
        }

        state.Update(file, known => known.Sent = true);
        await confirmations.WriteAsync(ticketed, cancellationToken);
    }

    async Task SendPartsAsync(Ticketed ticketed, MultipartTicket multipart, StorageTransfers transfers, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var file = ticketed.Hashed.File;
        var parts = multipart.Parts ?? [];
        var etags = new ConcurrentDictionary<int, string>();
        foreach (var stored in parts.Where(p => p.Etag is not null))
        {
            etags[stored.PartNumber] = stored.Etag!;
            progress.AlreadyStored(PartLength(stored.PartNumber));
        }

        progress.Sending(file);
        await Task.WhenAll(parts.Where(p => p.Etag is null).Select(async part =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                etags[part.PartNumber] = await transfers.PutPartAsync(part, file, (part.PartNumber - 1) * multipart.PartSize, PartLength(part.PartNumber), cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
        progress.SentFile(file);

        var completion = await api.CompleteMultipartAsync(
            multipart.FileId, [.. etags.OrderBy(e => e.Key).Select(e => (e.Key, e.Value))], ticketed.Hashed.Sha256, cancellationToken);
        if (completion.Error is { } error)
        {
            progress.Failed(file, multipart.FileId, $"{error.Code}: {error.Detail}");
        }

        long PartLength(int number) => Math.Min(multipart.PartSize, file.Size - (number - 1) * multipart.PartSize);
    }

    async Task ConfirmAsync(ChannelReader<Ticketed> input, CancellationToken cancellationToken)
    {
        var chunk = new List<Ticketed>(FilesPerConfirmation);
        while (await input.WaitToReadAsync(cancellationToken))
        {
            while (chunk.Count < FilesPerConfirmation && input.TryRead(out var ticketed))
            {
                chunk.Add(ticketed);
            }

            var files = chunk.Select(t => (t.Ticket.FileId!.Value, t.Hashed.File.Size)).ToList();
            var refused = (await api.ConfirmAsync(files, cancellationToken)).Results.Where(r => r.Error is not null).ToList();
            // Storage took these bytes: an object it does not show yet is asked for again a few times before it counts as failed.
            foreach (var delay in MissingObjectRetryDelays)
            {
                var missing = refused.Where(r => r.Error!.Code == "OBJECT_MISSING").ToList();
                if (missing.Count == 0)
                {
                    break;
                }

                await Task.Delay(delay, cancellationToken);
                var again = await api.ConfirmAsync([.. missing.Select(r => (r.FileId, pushed[r.FileId].Size))], cancellationToken);
                refused = [.. refused.Except(missing), .. again.Results.Where(r => r.Error is not null)];
            }

            foreach (var result in refused)
            {
                if (pushed.TryGetValue(result.FileId, out var file))
                {
                    progress.Failed(file, result.FileId, $"{result.Error!.Code}: {result.Error.Detail}");
                }
            }

            chunk.Clear();
        }
    }

    /// <summary>
    /// Follows the batch until the files of this push settled — those it already reported failed (a confirmation refused)
    /// are not waited for — or until none of them has settled for <see cref="FollowPatience"/>: the files still waiting
    /// are then reported with their states. Which files it waits for, and in which state, is on the display.
    /// </summary>
    async Task FollowAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var sinceProgress = System.Diagnostics.Stopwatch.StartNew();
        var settled = -1;
        for (var polls = 0; ; polls++)
        {
            var batch = await api.GetBatchAsync(batchId, cancellationToken);
            progress.Batch = new BatchFigures(batch.TotalFiles, batch.Synced, batch.Failed, batch.Pending, batch.BytesTotal, batch.BytesSynced, batch.Progress, batch.Status);
            if (batch.Pending == 0)
            {
                progress.WaitingFor = [];
                break;
            }

            if (batch.Synced + batch.Failed != settled)
            {
                settled = batch.Synced + batch.Failed;
                sinceProgress.Restart();
            }

            if (polls % 10 == 9 || sinceProgress.Elapsed >= FollowPatience)
            {
                progress.WaitingFor = await WaitingForAsync(batchId, cancellationToken);
                if (progress.WaitingFor.Count == 0)
                {
                    break;
                }

                if (sinceProgress.Elapsed >= FollowPatience)
                {
                    foreach (var waiting in progress.WaitingFor)
                    {
                        var (fileId, file) = pushed.First(p => p.Value.RelativePath == waiting.Path);
                        progress.Failed(file, fileId, $"NOT_SETTLED: still {waiting.Status} when the push stopped waiting ({FollowPatience.TotalMinutes:N0} min without a file settling); `uploads ls --batch {batchId}` shows it later");
                    }

                    break;
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        var reported = progress.Failures.Select(f => f.FileId).OfType<Guid>().ToHashSet();
        foreach (var status in new[] { "FAILED", "EXPIRED" })
        {
            await foreach (var file in ListAsync(batchId, status, cancellationToken))
            {
                if (pushed.TryGetValue(file.FileId, out var local) && reported.Add(file.FileId))
                {
                    progress.Failed(local, file.FileId, $"{status}: {file.FailureReason}");
                }
            }
        }

        var failedIds = progress.Failures.Select(f => f.FileId).OfType<Guid>().ToHashSet();
        foreach (var (fileId, file) in pushed)
        {
            if (!failedIds.Contains(fileId))
            {
                state.Update(file, known => known.Synced = true);
            }
        }
    }

    /// <summary>This push's files not settled yet and not already reported failed, with their states.</summary>
    async Task<IReadOnlyList<WaitingFile>> WaitingForAsync(Guid batchId, CancellationToken cancellationToken)
    {
        var reported = progress.Failures.Select(f => f.FileId).OfType<Guid>().ToHashSet();
        var waiting = new List<WaitingFile>();
        foreach (var status in new[] { "PENDING", "UPLOADED", "SYNCING" })
        {
            await foreach (var file in ListAsync(batchId, status, cancellationToken))
            {
                if (pushed.TryGetValue(file.FileId, out var local) && !reported.Contains(file.FileId))
                {
                    waiting.Add(new WaitingFile(local.RelativePath, status));
                }
            }
        }

        return waiting;
    }

    async IAsyncEnumerable<FileSummary> ListAsync(Guid batchId, string status, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await api.ListFilesAsync(batchId, status, cursor, cancellationToken);
            foreach (var file in page.Files)
            {
                yield return file;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <param name="KnownFileId">The file the API answered for this content in an earlier, interrupted push.</param>
    sealed record HashedFile(LocalFile File, string Sha256, Guid? KnownFileId);

    sealed record Ticketed(HashedFile Hashed, BatchFileTicket Ticket);
}

/// <param name="BatchId">The batch the folder's files are in; null when the folder had no file to push.</param>
public sealed record PushResult(Guid? BatchId, PushProgress Progress)
{
    public bool Succeeded => Progress.Failures.Count == 0;
}

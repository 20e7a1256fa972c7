using System.Security.Cryptography;
using System.Text;
using Uploads.Cli.Api;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Pushing;

/// <summary>A folder pushed to one batch, once (<c>push</c>) or again and again (<c>watch</c>), with the state it resumes from.</summary>
public sealed class FolderPush(ClientSettings settings, LocalFolder folder, string? batchName, int parallel)
{
    /// <summary>The batch's name: the one given, or the folder's name with a digest of its full path (the same folder, the same batch).</summary>
    public string BatchName { get; } = batchName
        ?? $"{Truncate(Path.GetFileName(folder.Path), 100)}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder.Path)))[..12]}";

    public LocalFolder Folder => folder;

    /// <summary>Pushes the given files of the folder (every matching file when null) and says what happened.</summary>
    public async Task<PushSummary> PushAsync(IEnumerable<LocalFile>? files, bool quiet, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = PushState.Load(settings.Api, folder.Path, BatchName);
        var progress = new PushProgress();
        using var api = new UploadsClient(settings);
        var result = await PushDisplay.RunAsync(progress, quiet,
            () => new Pusher(api, state, progress, parallel).PushAsync(files ?? folder.Enumerate(progress.SkippedEntry), BatchName, cancellationToken));
        return PushSummary.From(result, BatchName, clock.Elapsed);
    }

    /// <summary>Whether the last push of the folder recorded this file, unchanged since, as SYNCED.</summary>
    public static bool IsKnownSynced(PushState state, LocalFile file) => state.Find(file) is { Synced: true };

    public PushState LoadState() => PushState.Load(settings.Api, folder.Path, BatchName);

    static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Pushing;

/// <summary>
/// What a push of one folder to one batch of one API already did: the batch, and per file its digest (so an unchanged
/// file is not hashed again), its file id, whether its bytes were sent and whether it is SYNCED. Kept in the user's config
/// directory, written atomically; a push killed at any moment and run again continues from it.
/// </summary>
public sealed class PushState
{
    readonly Lock gate = new();
    readonly string path;
    readonly Stored stored;

    PushState(string path, Stored stored)
    {
        this.path = path;
        this.stored = stored;
    }

    public Guid? BatchId
    {
        get
        {
            lock (gate)
            {
                return stored.BatchId;
            }
        }
        set
        {
            lock (gate)
            {
                stored.BatchId = value;
            }
        }
    }

    public static PushState Load(Uri api, string folder, string batchName)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{api}\n{folder}\n{batchName}")))[..32];
        var path = Path.Combine(ClientPaths.StateDirectory, key + ".json");
        Stored? stored = null;
        if (File.Exists(path))
        {
            try
            {
                stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path));
            }
            catch (JsonException)
            {
                // A state file that cannot be read costs only time: the files are hashed again, and the API answers what is done.
            }
        }

        return new PushState(path, stored ?? new Stored());
    }

    /// <summary>What is known of this file, if it has not changed since (same size and modification time).</summary>
    public FileState? Find(LocalFile file)
    {
        lock (gate)
        {
            return stored.Files.TryGetValue(file.RelativePath, out var known) && known.Size == file.Size && known.ModifiedTicks == file.ModifiedTicks
                ? known
                : null;
        }
    }

    public void Hashed(LocalFile file, string sha256)
    {
        lock (gate)
        {
            stored.Files[file.RelativePath] = new FileState { Size = file.Size, ModifiedTicks = file.ModifiedTicks, Sha256 = sha256 };
        }
    }

    public void Update(LocalFile file, Action<FileState> change)
    {
        lock (gate)
        {
            if (stored.Files.TryGetValue(file.RelativePath, out var known))
            {
                change(known);
            }
        }
    }

    /// <summary>The local path of each file of the batch this folder's files became.</summary>
    public IReadOnlyDictionary<Guid, string> PathsByFileId()
    {
        lock (gate)
        {
            return stored.Files.Where(f => f.Value.FileId is not null)
                .GroupBy(f => f.Value.FileId!.Value)
                .ToDictionary(g => g.Key, g => g.First().Key);
        }
    }

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        byte[] json;
        lock (gate)
        {
            json = JsonSerializer.SerializeToUtf8Bytes(stored);
        }

        Directory.CreateDirectory(ClientPaths.StateDirectory);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temporary, json, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    sealed class Stored
    {
        public Guid? BatchId { get; set; }
        public Dictionary<string, FileState> Files { get; set; } = new(StringComparer.Ordinal);
    }
}

public sealed class FileState
{
    public long Size { get; set; }
    public long ModifiedTicks { get; set; }
    public string Sha256 { get; set; } = "";
    public Guid? FileId { get; set; }

    /// <summary>Storage took the whole file (a single PUT); only its confirmation may be missing.</summary>
    public bool Sent { get; set; }

    public bool Synced { get; set; }
}

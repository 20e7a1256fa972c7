using System.Buffers;
using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using Spectre.Console;
using Uploads.Cli.Api;
using Uploads.Cli.Configuration;

namespace Uploads.Cli.Commands;

public static class GetCommand
{
    const int BufferBytes = 256 * 1024;

    public static Command Create()
    {
        var fileId = new Argument<Guid>("FILE_ID") { Description = "The file to fetch." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it. Default: its name, in the current folder." };
        var force = new Option<bool>("--force") { Description = "Replace the target if it exists (else an existing file is never overwritten)." };
        var command = new Command("get", "Fetch a SYNCED file, streaming; an interrupted fetch resumes where it stopped, and the content is checked against its SHA-256.")
        {
            fileId, output, force,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.RunAsync(async () =>
        {
            using var api = new UploadsClient(CommandLine.Settings(parse));
            var file = await api.GetFileAsync(parse.GetValue(fileId), cancellationToken);
            if (file is not { Status: "SYNCED", Sha256: { } sha256 })
            {
                throw new UsageException($"File {file.FileId} is {file.Status}: only a SYNCED file can be fetched.");
            }

            // The name is the uploader's: only its last segment is used, never a path it may spell, and never one that names
            // a folder ("", ".", ".."); the file is then named by its id.
            var target = parse.GetValue(output) ?? Path.GetFileName(file.Filename.Replace('\\', '/')) switch
            {
                "" or "." or ".." => file.FileId.ToString(),
                var name => name,
            };
            if (!parse.GetValue(force) && (File.Exists(target) || Directory.Exists(target)))
            {
                throw new UsageException($"{target} exists: pass --force to replace it, or -o to write elsewhere.");
            }

            if (!await FetchAsync(api, file.FileId, sha256, file.Size ?? 0, target, cancellationToken))
            {
                // What an earlier fetch left was not the start of this content: fetched whole, it is checked again.
                await FetchAsync(api, file.FileId, sha256, file.Size ?? 0, target, cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"{target} ({new FileInfo(target).Length:N0} bytes, SHA-256 checked)");
            return CommandLine.Succeeded;
        }));
        return command;
    }

    /// <summary>
    /// Streams the content into <c>TARGET.part</c> (resumed with a Range request, If-Range the file's ETag, when an earlier
    /// fetch left one), checks its SHA-256, then renames it: a TARGET that exists is always whole and verified. False
    /// when a resumed fetch did not match (the part left before was not of this content): nothing is kept, try again.
    /// </summary>
    static async Task<bool> FetchAsync(UploadsClient api, Guid fileId, string sha256, long size, string target, CancellationToken cancellationToken)
    {
        var partial = target + ".part";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var resumed = false;
        try
        {
            await using (var stream = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                if (stream.Length >= size)
                {
                    // Nothing is left to ask for: a range past the end would be refused.
                    stream.SetLength(0);
                }

                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }

                using var response = await api.OpenContentAsync(fileId, stream.Length, $"\"{sha256}\"", cancellationToken);
                if (response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The whole file came back (no range asked, or the content is not what the part was of): start over.
                    stream.SetLength(0);
                    hash.GetHashAndReset();
                }

                resumed = stream.Length > 0;

                await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    hash.AppendData(buffer, 0, read);
                }
            }

            if (Convert.ToHexStringLower(hash.GetHashAndReset()) != sha256)
            {
                File.Delete(partial);
                return resumed ? false : throw new ApiException($"The content of {fileId} did not match its SHA-256; nothing was kept.", null);
            }

            File.Move(partial, target, overwrite: true);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

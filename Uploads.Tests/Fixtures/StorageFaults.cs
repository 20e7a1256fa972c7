using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Uploads.AppHost;
using Uploads.AppHost.Resources;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// What the tests' s3rver received and refused, from <c>StorageFaults/storage-faults.js</c>, which the stack loads into it:
/// part PUTs counted at storage, chosen parts refused once with 503, and objects hidden from their first reads.
/// </summary>
public sealed class StorageFaults(int controlPort)
{
    static readonly string Module = Path.Combine(AppHostPaths.RepositoryRoot, "Uploads.Tests", "Fixtures", "StorageFaults", "storage-faults.js");
    readonly HttpClient control = new() { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}") };

    public static StorageFaults LoadInto(IResourceBuilder<StorageServerResource> storage)
    {
        var port = FreePorts.Next();
        storage.WithEnvironment("NODE_OPTIONS", $"--require \"{Module}\"")
            .WithEnvironment("UPLOADS_TEST_STORAGE_CONTROL_PORT", port.ToString());
        return new StorageFaults(port);
    }

    /// <summary>The next PUT of each of these part numbers, of whichever upload, is refused with 503 SlowDown.</summary>
    public async Task RefuseOnceAsync(params int[] partNumbers)
    {
        using var response = await control.PostAsJsonAsync("/refusals", new { parts = partNumbers });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>PUTs storage received per part number of one multipart upload (refused ones included), and the most at once.</summary>
    public async Task<ReceivedParts> ReceivedAsync(string uploadId) =>
        (await control.GetFromJsonAsync<ReceivedParts>($"/received?uploadId={Uri.EscapeDataString(uploadId)}", UploadsClient.Json))!;

    /// <summary>
    /// The next <paramref name="reads"/> HEADs or GETs of keys starting with <paramref name="prefix"/> (a whole key, or a
    /// tenant's uploads), of objects already stored, answer 404 NoSuchKey: storage whose read-after-write lags, as a store
    /// under load or one not strongly consistent does.
    /// </summary>
    public async Task HideAfterStoreAsync(string prefix, int reads)
    {
        using var response = await control.PostAsJsonAsync("/hidden", new { prefix, reads });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The reads under <paramref name="prefix"/> that <see cref="HideAfterStoreAsync"/> answered 404.</summary>
    public async Task<int> AnsweredMissingAsync(string prefix) =>
        (await control.GetFromJsonAsync<HiddenReads>($"/hidden?prefix={Uri.EscapeDataString(prefix)}", UploadsClient.Json))!.AnsweredMissing;

    public async Task<IReadOnlyList<RefusedPart>> RefusedAsync() =>
        (await control.GetFromJsonAsync<List<RefusedPart>>("/refused"))!;
}

public sealed record HiddenReads(int AnsweredMissing);

public sealed record RefusedPart(string UploadId, int PartNumber);

public sealed record ReceivedParts(Dictionary<int, int> Parts, int MaxInFlight)
{
    public int Total => Parts.Values.Sum();

    public int Of(int partNumber) => Parts.GetValueOrDefault(partNumber);
}

using Uploads.AppHost.Tokens;
using System.Security.Cryptography;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

[Collection(ExclusiveCollection.Name)]
public sealed class ContentMemoryTests(UploadsStack stack)
{
    const long MiB = 1024 * 1024;

    [Fact]
    public async Task Reading_a_200_MB_file_back_keeps_the_API_memory_flat()
    {
        using var large = await LargeFile.CreateAsync(200 * MiB);
        var ticket = await stack.Client.RequestUploadAsync("big.bin", large.Length, large.Sha256);
        await UploadsClient.UploadFileToStorageAsync(ticket, large.Path);
        await stack.Client.ConfirmAsync((ticket.FileId, large.Length));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(2));
        var api = stack.ProcessId(stack.Resources.Api);
        ProcessMemory.ResetPeak(api);
        var before = ProcessMemory.Resident(api);

        using var response = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/content", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(body));

        Assert.Equal(large.Sha256, digest);
        Assert.Equal("MISS", response.Headers.GetValues("X-Cache").Single());
        var growth = ProcessMemory.Peak(api) - before;
        Assert.True(growth < 48 * MiB, $"The API's peak working set grew by {growth / MiB} MiB while streaming 200 MiB.");
    }
}

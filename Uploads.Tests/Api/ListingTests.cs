using System.Net;
using System.Net.Http.Json;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

public sealed class ListingTests(UploadsStack stack)
{
    [Fact]
    public async Task Pages_are_newest_first_and_stable_under_inserts()
    {
        var batch = Guid.NewGuid().ToString("N");
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await stack.Client.RequestUploadAsync($"page-{i}.txt", externalId: batch)).FileId);
        }

        var first = await ListAsync($"external_id={batch}&limit=2");
        // Files added after the first page must not shift the pages that follow.
        await stack.Client.RequestUploadAsync("late-1.txt", externalId: batch);
        await stack.Client.RequestUploadAsync("late-2.txt", externalId: batch);
        var second = await ListAsync($"external_id={batch}&limit=2&cursor={first.NextCursor}");
        var third = await ListAsync($"external_id={batch}&limit=2&cursor={second.NextCursor}");

        var seen = first.Files.Concat(second.Files).Concat(third.Files).Select(f => f.FileId).ToList();
        Assert.Equal(Enumerable.Reverse(created), seen);
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task Files_can_be_filtered_by_status()
    {
        var batch = Guid.NewGuid().ToString("N");
        var pending = await stack.Client.RequestUploadAsync("waiting.txt", externalId: batch);
        var content = UploadsClient.RandomBytes(100);
        var ticket = await stack.Client.RequestUploadAsync("done.txt", content.Length, externalId: batch);
        await UploadsClient.UploadToStorageAsync(ticket, content);
        await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);

        var synced = await ListAsync($"external_id={batch}&status=SYNCED");
        var waiting = await ListAsync($"external_id={batch}&status=pending");

        Assert.Equal([ticket.FileId], synced.Files.Select(f => f.FileId));
        Assert.Equal([pending.FileId], waiting.Files.Select(f => f.FileId));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("status=DONE", "status")]
    [InlineData("status=3", "status")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Invalid_query_parameters_get_a_validation_problem(string query, string field)
    {
        using var response = await stack.Client.Http.GetAsync($"/files?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await Problems.ReadAsync(response)).Errors.Keys);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_number_gets_a_problem()
    {
        using var response = await stack.Client.Http.GetAsync("/files?limit=many");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_REQUEST", (await Problems.ReadAsync(response)).Code);
    }

    async Task<FilePage> ListAsync(string query)
    {
        using var response = await stack.Client.Http.GetAsync($"/files?{query}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<FilePage>(UploadsClient.Json))!;
    }
}
